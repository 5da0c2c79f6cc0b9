/**
 * HS256/384/512 (Managed HSM, oct-HSM keys): HMAC (RFC 2104, RFC 7518 §3.2) of the digest the client
 * sent. Azure's HMAC "sign" takes a digest like every other algorithm (see signature-algorithms.ts for
 * the evidence), so the MAC input is SHA-x(data), not the data. WebCrypto is right here: HMAC over
 * the given bytes is exactly what is wanted, and `crypto.subtle.verify` compares in constant time.
 */
import { VaultError } from "../../errors/vault-error.ts";
import { base64UrlToBytes } from "../bytes.ts";
import type { OctKey } from "../keys/key-types.ts";
import {
  HASH_LENGTH,
  SIGNATURE_ALGORITHMS,
  assertDigestLength,
  digestLengthFits,
  type HashName,
  type HmacSignatureAlgorithm,
} from "./signature-algorithms.ts";

/**
 * One non-extractable CryptoKey per hash: WebCrypto binds an HMAC key to its hash at import, and one
 * Key Vault oct key may be used with any of HS256/384/512. Cache it per key version (docs/decisions.md §3.3).
 */
export interface HmacKey {
  readonly keys: Readonly<Record<HashName, CryptoKey>>;
}

const importFor = (raw: Uint8Array<ArrayBuffer>, hash: HashName): Promise<CryptoKey> =>
  crypto.subtle.importKey("raw", raw, { name: "HMAC", hash }, false, ["sign", "verify"]);

/** `jwk.k`: the key bytes, base64url (RFC 7518 §6.4). */
export async function prepareHmacKey(jwk: Pick<OctKey, "k">): Promise<HmacKey> {
  const raw = base64UrlToBytes(jwk.k);
  if (raw === null || raw.length === 0) throw new VaultError("BadParameter", "The key is not a valid oct key.");
  try {
    const [sha256, sha384, sha512] = await Promise.all([
      importFor(raw, "SHA-256"),
      importFor(raw, "SHA-384"),
      importFor(raw, "SHA-512"),
    ]);
    return { keys: { "SHA-256": sha256, "SHA-384": sha384, "SHA-512": sha512 } };
  } finally {
    raw.fill(0); // the CryptoKeys hold their own copy; do not leave one more in the heap
  }
}

/** The MAC of the digest; as long as the hash (RFC 7518 §3.2: no truncation for HS256/384/512). */
export async function hmacSignDigest(alg: HmacSignatureAlgorithm, key: HmacKey, digest: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  assertDigestLength(alg, digest);
  const hash = SIGNATURE_ALGORITHMS[alg].hash;
  return new Uint8Array(await crypto.subtle.sign("HMAC", key.keys[hash], digest));
}

/** A digest or MAC of the wrong length is simply not valid: verify answers false rather than an error. */
export function hmacInputsFit(alg: HmacSignatureAlgorithm, digestLength: number, signatureLength: number): boolean {
  return digestLengthFits(alg, digestLength) && signatureLength === HASH_LENGTH[SIGNATURE_ALGORITHMS[alg].hash];
}

/** Constant-time check via WebCrypto. Never throws: a wrong length is simply not a valid MAC. */
export async function hmacVerifyDigest(
  alg: HmacSignatureAlgorithm,
  key: HmacKey,
  digest: Uint8Array<ArrayBuffer>,
  signature: Uint8Array<ArrayBuffer>,
): Promise<boolean> {
  if (!hmacInputsFit(alg, digest.length, signature.length)) return false;
  try {
    return await crypto.subtle.verify("HMAC", key.keys[SIGNATURE_ALGORITHMS[alg].hash], signature, digest);
  } catch {
    return false;
  }
}
