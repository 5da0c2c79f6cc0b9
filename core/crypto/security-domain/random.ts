/**
 * The random source of the security domain: master keys, Shamir coefficients, JWE CEKs and IVs. The
 * same shape as Shamir's (shamir.ts RandomBytes), so one injected source drives a whole download or
 * restore and tests can make it deterministic. The RSA-OAEP seed is WebCrypto's own and cannot be injected.
 */
import type { RandomBytes } from "./shamir.ts";

export type { RandomBytes } from "./shamir.ts";

/** WebCrypto's CSPRNG (W3C WebCrypto §10.1.1 getRandomValues). */
export const secureRandomBytes: RandomBytes = (length) => crypto.getRandomValues(new Uint8Array(length));

/** `length` bytes from `random`, refusing a source that returns fewer or more (a broken source must not shorten a key). */
export function drawBytes(random: RandomBytes, length: number): Uint8Array<ArrayBuffer> {
  const bytes = random(length);
  if (bytes.length !== length) throw new Error("random source returned the wrong number of bytes");
  return Uint8Array.from(bytes);
}
