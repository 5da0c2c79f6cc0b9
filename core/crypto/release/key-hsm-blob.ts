import { bytesToBase64Url, utf8 } from "../bytes.ts";
import type { KeyExportAlgorithm } from "./export-algorithms.ts";

/** Names this vault as the blob's maker, as a BYOK blob names its tool (`generator`). */
export const RELEASE_GENERATOR = "edge-vault secure key release 1.0";

/**
 * `key_hsm` of a released key: base64url of the transfer object Azure's BYOK specification defines —
 * `{schema_version, header: {kid, alg: "dir", enc}, ciphertext, generator}` — here carrying the key to the workload:
 * `kid` names the workload key it is wrapped to (the token's runtime key), `ciphertext` is the
 * CKM_RSA_AES_KEY_WRAP output (base64url).
 */
export function keyHsmBlob(kid: string, enc: KeyExportAlgorithm, ciphertext: Uint8Array): string {
  const blob = {
    schema_version: "1.0.0",
    header: { kid, alg: "dir", enc },
    ciphertext: bytesToBase64Url(ciphertext),
    generator: RELEASE_GENERATOR,
  };
  return bytesToBase64Url(utf8(JSON.stringify(blob)));
}
