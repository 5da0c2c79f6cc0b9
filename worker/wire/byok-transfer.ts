import { base64UrlToBytes } from "../../core/crypto/bytes.ts";
import type { ByokTransfer } from "../../core/contract/keys.ts";
import { badParameter } from "../../core/errors/vault-error.ts";
import type { JsonObject } from "./json-body.ts";

/**
 * The key transfer blob of Azure's "Bring your own key specification" (a `.byok` file), sent base64-encoded as
 * ImportKey's `key.key_hsm`:
 *
 *   {"schema_version":"1.0.0","header":{"kid":"<KEK kid>","alg":"dir","enc":"CKM_RSA_AES_KEY_WRAP"},
 *    "ciphertext":"BASE64URL(RSA-OAEP-SHA1(KEK, AES key) ‖ AES-KWP(AES key, target))","generator":"…"}
 *
 * Checked here for shape only; what the ciphertext holds is for the HSM to find out. The KEK is named by its kid
 * and must be a key of this vault (the spec: "Must be in the same vault").
 */

const INVALID = "The parameter 'key_hsm' must be a key transfer blob (BYOK specification, CKM_RSA_AES_KEY_WRAP).";
/** RSA-2048 is the smallest KEK: 256 bytes of wrapped AES key, then at least 16 bytes of AES-KWP output. */
const MIN_CIPHERTEXT_BYTES = 256 + 16;
/** RSA-4096 KEK (512) plus a PKCS#8 RSA-4096 private key (~2.4 KB) wrapped with padding. */
const MAX_CIPHERTEXT_BYTES = 512 + 4096;

/** The spec says base64 for key_hsm and base64url for ciphertext; SDKs send base64url for both. Either is taken. */
function decodeBase64(text: string): Uint8Array | null {
  return base64UrlToBytes(text.replace(/\+/g, "-").replace(/\//g, "_"));
}

function record(value: unknown): JsonObject | null {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as JsonObject) : null;
}

/** `key_hsm` (base64 or base64url of the blob's JSON) → the KEK it names and the ciphertext. */
export function byokTransferInput(keyHsm: unknown, vaultBaseUrl: string): ByokTransfer {
  const bytes = typeof keyHsm === "string" ? decodeBase64(keyHsm) : null;
  if (bytes === null || bytes.length === 0) throw badParameter(INVALID);
  let blob: JsonObject | null;
  try {
    blob = record(JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes)));
  } catch {
    throw badParameter(INVALID);
  }
  const header = record(blob?.header);
  if (blob === null || header === null || blob.schema_version !== "1.0.0" || header.alg !== "dir" || header.enc !== "CKM_RSA_AES_KEY_WRAP") {
    throw badParameter(INVALID);
  }
  const ciphertext = typeof blob.ciphertext === "string" ? decodeBase64(blob.ciphertext) : null;
  if (ciphertext === null || ciphertext.length < MIN_CIPHERTEXT_BYTES || ciphertext.length > MAX_CIPHERTEXT_BYTES) throw badParameter(INVALID);
  return { kek: kekOf(header.kid, vaultBaseUrl), ciphertext };
}

/** `https://{vault host}/keys/{name}[/{version}]` of this vault; hosts compare case-insensitively. */
function kekOf(kid: unknown, vaultBaseUrl: string): ByokTransfer["kek"] {
  let url: URL;
  try {
    url = new URL(typeof kid === "string" ? kid : "");
  } catch {
    throw badParameter("The key transfer blob's header.kid must be the identifier of a key exchange key.");
  }
  const match = /^\/keys\/([0-9A-Za-z-]{1,127})(?:\/([0-9a-f]{32}))?\/?$/.exec(url.pathname);
  if (url.origin.toLowerCase() !== new URL(vaultBaseUrl).origin.toLowerCase() || match === null) {
    throw badParameter("The key exchange key must be a key of this vault (BYOK specification).");
  }
  return { name: match[1] as string, ...(match[2] === undefined ? {} : { version: match[2] }) };
}
