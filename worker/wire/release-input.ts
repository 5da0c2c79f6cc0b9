import { DEFAULT_EXPORT_ALGORITHM, isKeyExportAlgorithm, KEY_EXPORT_ALGORITHMS, type KeyExportAlgorithm } from "../../core/crypto/release/export-algorithms.ts";
import { badParameter } from "../../core/errors/vault-error.ts";
import type { JsonObject } from "./json-body.ts";

/** A Microsoft Azure Attestation token is a few KB (its x5c chains are in the key set, not the token). */
export const MAX_TARGET_LENGTH = 64 * 1024;
export const MAX_NONCE_LENGTH = 1024;

export interface ReleaseRequest {
  readonly target: string;
  readonly nonce?: string;
  readonly enc: KeyExportAlgorithm;
}

/** keys.json KeyReleaseParameters: `target` (required, minLength 1), `nonce?`, `enc?` (KeyEncryptionAlgorithm). */
export function releaseInput(body: JsonObject): ReleaseRequest {
  const target = body.target;
  if (typeof target !== "string" || target === "") throw badParameter("The parameter 'target' is required: the attestation token of the release's target.");
  if (target.length > MAX_TARGET_LENGTH) throw badParameter(`The parameter 'target' exceeds ${MAX_TARGET_LENGTH} characters.`);
  const nonce = body.nonce ?? undefined;
  if (nonce !== undefined && (typeof nonce !== "string" || nonce.length > MAX_NONCE_LENGTH)) {
    throw badParameter(`The parameter 'nonce' must be a string of at most ${MAX_NONCE_LENGTH} characters.`);
  }
  const enc = body.enc ?? DEFAULT_EXPORT_ALGORITHM;
  if (!isKeyExportAlgorithm(enc)) throw badParameter(`The parameter 'enc' must be one of: ${Object.keys(KEY_EXPORT_ALGORITHMS).join(", ")}.`);
  return { target, ...(nonce === undefined ? {} : { nonce }), enc };
}
