import { base64UrlToBytes } from "../bytes.ts";
import type { RsaPublicJwk } from "../keys/key-types.ts";
import { claimValue } from "../../domain/release-policy/claim-value.ts";

/** Smallest workload key a release is wrapped to: RSA-2048, Azure's smallest RSA key. */
export const MIN_RUNTIME_KEY_BITS = 2048;
/** Largest: RSA-16384, WebCrypto's and the HSM bridge's bound; a public exponent fits in 8 bytes. */
export const MAX_RUNTIME_KEY_BITS = 16_384;
const MAX_EXPONENT_BYTES = 8;

export interface RuntimeKey {
  /** The key's `kid` in the token, named in the released blob's header; "" when the token gives none. */
  readonly kid: string;
  readonly jwk: RsaPublicJwk;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function meantForEncryption(key: Record<string, unknown>): boolean {
  return key.use === "enc" || (Array.isArray(key.key_ops) && key.key_ops.includes("encrypt"));
}

/**
 * The key a release is wrapped to: the first key of the token's runtime key set (`x-ms-runtime.keys`, where
 * Microsoft Azure Attestation puts the keys a confidential VM's guest declared, e.g. its TPM's ephemeral
 * encryption key) whose `use` is "enc" or whose `key_ops` include "encrypt". It must be an RSA key of 2048 to
 * 16384 bits, since CKM_RSA_AES_KEY_WRAP is RSA-OAEP; null when the token has none fit for it.
 */
export function runtimeEncryptionKey(claims: unknown): RuntimeKey | null {
  const keys = claimValue(claims, "x-ms-runtime.keys");
  if (!keys.found || !Array.isArray(keys.value)) return null;
  const key = keys.value.find((k): k is Record<string, unknown> => isObject(k) && meantForEncryption(k));
  if (key === undefined || key.kty !== "RSA" || typeof key.n !== "string" || typeof key.e !== "string") return null;
  const n = base64UrlToBytes(key.n);
  const e = base64UrlToBytes(key.e);
  if (n === null || e === null || e.length === 0 || e.length > MAX_EXPONENT_BYTES) return null;
  let start = 0;
  while (start < n.length && n[start] === 0) start++;
  const bits = (n.length - start) * 8 - Math.clz32(n[start] ?? 0) + 24;
  if (bits < MIN_RUNTIME_KEY_BITS || bits > MAX_RUNTIME_KEY_BITS) return null;
  return { kid: typeof key.kid === "string" ? key.kid : "", jwk: { kty: "RSA", n: key.n, e: key.e } };
}
