import { describe, expect, it } from "vitest";
import {
  bigIntToBytes,
  bitLength,
  bytesToBigInt,
  gcd,
  isProbablePrime,
  lcm,
  mod,
  modInverse,
  modPow,
} from "../../core/crypto/keys/bigint-math.ts";
import { decodeBase64UrlStrict } from "../../core/crypto/keys/jwk-members.ts";
import rfc7517a2 from "../vectors/rfc7517-appendix-a2-private-keys.json";
import { bytesOf, vectorKey } from "../support/keys.ts";

describe("bytes <-> bigint", () => {
  it("round-trips big-endian, minimal or fixed-width", () => {
    expect(bytesToBigInt(new Uint8Array([1, 0, 1]))).toBe(65537n);
    expect(bytesToBigInt(new Uint8Array([0, 0, 1, 0, 1]))).toBe(65537n);
    expect(bytesToBigInt(new Uint8Array())).toBe(0n);
    expect([...bigIntToBytes(65537n)]).toStrictEqual([1, 0, 1]);
    expect([...bigIntToBytes(65537n, 5)]).toStrictEqual([0, 0, 1, 0, 1]);
    expect([...bigIntToBytes(0n)]).toStrictEqual([0]); // RFC 7518 §2: zero is one zero octet
    expect(() => bigIntToBytes(65537n, 2)).toThrow(RangeError);
    expect(() => bigIntToBytes(-1n)).toThrow(RangeError);
  });

  it("measures bit lengths", () => {
    expect(bitLength(0n)).toBe(0);
    expect(bitLength(1n)).toBe(1);
    expect(bitLength(2n ** 2047n)).toBe(2048);
  });
});

describe("modular arithmetic", () => {
  it("agrees with direct computation on small numbers", () => {
    expect(mod(-7n, 5n)).toBe(3n);
    expect(gcd(84n, -36n)).toBe(12n);
    expect(lcm(4n, 6n)).toBe(12n);
    for (const [b, e, m] of [[3n, 200n, 1_000_003n], [2n, 0n, 7n], [-5n, 3n, 11n], [10n, 5n, 1n]] as const) {
      expect(modPow(b, e, m)).toBe(mod(b ** e, m));
    }
  });

  it("inverts when gcd is 1 and says so when not", () => {
    expect(modInverse(3n, 11n)).toBe(4n);
    expect(modInverse(-3n, 11n)).toBe(7n);
    expect(modInverse(6n, 9n)).toBeNull();
  });

  it("finds RFC 7517 A.2's qi as q^-1 mod p", () => {
    const key = vectorKey(rfc7517a2, 1);
    const [p, q, qi] = [key["p"], key["q"], key["qi"]].map((member) => bytesToBigInt(bytesOf(member)));
    expect(modInverse(q ?? 0n, p ?? 0n)).toBe(qi);
  });
});

describe("isProbablePrime", () => {
  it("accepts primes, including RFC 7517 A.2's p and q and 2^127 - 1", () => {
    const key = vectorKey(rfc7517a2, 1);
    for (const member of [key["p"], key["q"]]) expect(isProbablePrime(bytesToBigInt(bytesOf(member)))).toBe(true);
    for (const prime of [2n, 3n, 71n, 73n, 2n ** 127n - 1n, 2n ** 521n - 1n]) expect(isProbablePrime(prime)).toBe(true);
  });

  it("rejects composites: small ones, Carmichael numbers, an RSA modulus, a square without small factors", () => {
    const key = vectorKey(rfc7517a2, 1);
    const p = bytesToBigInt(bytesOf(key["p"]));
    const q = bytesToBigInt(bytesOf(key["q"]));
    for (const composite of [0n, 1n, 4n, 561n, 41041n, p * q, p * p, (2n ** 61n - 1n) ** 2n]) {
      expect(isProbablePrime(composite)).toBe(false);
    }
  });
});

describe("decodeBase64UrlStrict", () => {
  it("accepts canonical unpadded base64url only", () => {
    expect([...(decodeBase64UrlStrict("AQAB") ?? [])]).toStrictEqual([1, 0, 1]);
    expect([...(decodeBase64UrlStrict("_-8") ?? [])]).toStrictEqual([0xff, 0xef]);
    for (const bad of ["", "AQAB=", "AQ==", "A", "AQ+B", "AQ/B", "AQ B", "AR", "AQAB_"]) {
      expect(decodeBase64UrlStrict(bad)).toBeNull();
    }
  });
});
