import { p256 } from "@noble/curves/nist.js";
import { mapHashToField } from "@noble/curves/abstract/modular.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToBase64Url, concatBytes, utf8 } from "../bytes.ts";
import type { RootKey } from "../envelope/root-key.ts";

/**
 * A P-256 key made from the root key for one purpose, the same in every isolate and never stored: the vault's
 * release-signing key and the local attestation authority's token key (docs/key-release.md). The purpose's HMAC
 * key (root-key.ts: HKDF-SHA-256, so purposes never meet) MACs two counters; 48 of those bytes become the scalar by
 * FIPS 186-5 App. A.4.1 ("extra random bits": reduce 64 bits more than the order's length mod n − 1, add 1),
 * which noble's mapHashToField implements. Signing is deterministic too (RFC 6979, noble), so what these keys sign
 * — certificates included — is the same wherever it is made.
 */
export interface DerivedP256Key {
  readonly secretKey: Uint8Array;
  /** RFC 7518 §6.2.1 public members. */
  readonly publicJwk: { readonly kty: "EC"; readonly crv: "P-256"; readonly x: string; readonly y: string };
  /** ES256 over `data` (hashed here with SHA-256): r ‖ s, 64 bytes (RFC 7518 §3.4). */
  sign(data: Uint8Array): Uint8Array;
}

export async function derivedP256Key(root: RootKey, purpose: string): Promise<DerivedP256Key> {
  const mac = await root.deriveHmacKey(purpose);
  const blocks = await Promise.all([1, 2].map(async (n) => new Uint8Array(await crypto.subtle.sign("HMAC", mac, utf8(`p256-scalar/${n}`)))));
  const seed = concatBytes(...blocks).subarray(0, 48);
  const secretKey = mapHashToField(seed, p256.Point.Fn.ORDER);
  const point = p256.getPublicKey(secretKey, false);
  return {
    secretKey,
    publicJwk: { kty: "EC", crv: "P-256", x: bytesToBase64Url(point.subarray(1, 33)), y: bytesToBase64Url(point.subarray(33, 65)) },
    sign: (data) => p256.sign(sha256(data), secretKey, { prehash: false, format: "compact" }),
  };
}
