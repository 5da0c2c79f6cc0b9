import { describe, expect, it } from "vitest";
import {
  SIGNATURE_ALGORITHMS,
  assertAlgorithmFitsKey,
  assertDigestLength,
  assertSignatureAlgorithm,
  digestLengthFits,
  isSignatureAlgorithm,
  type SignatureAlgorithm,
} from "../../core/crypto/sign/signature-algorithms.ts";
import { digestInfoPrefix } from "../../core/crypto/sign/rsa-digest-signature.ts";
import { badParameter } from "../support/bad-parameter.ts";


const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

// JsonWebKeySignatureAlgorithm in keys.json (7.6): the 14 values, nothing else.
const AZURE_ALGS = ["PS256", "PS384", "PS512", "RS256", "RS384", "RS512", "HS256", "HS384", "HS512", "RSNULL", "ES256", "ES384", "ES512", "ES256K"];

describe("SIGNATURE_ALGORITHMS", () => {
  it("covers exactly Azure's JsonWebKeySignatureAlgorithm enum", () => {
    expect(Object.keys(SIGNATURE_ALGORITHMS).sort()).toStrictEqual([...AZURE_ALGS].sort());
  });

  it.each([
    ["RS256", "RSA", 32], ["RS384", "RSA", 48], ["RS512", "RSA", 64],
    ["PS256", "RSA", 32], ["PS384", "RSA", 48], ["PS512", "RSA", 64],
    ["ES256", "EC", 32], ["ES384", "EC", 48], ["ES512", "EC", 64], ["ES256K", "EC", 32],
    ["HS256", "oct", 32], ["HS384", "oct", 48], ["HS512", "oct", 64],
  ] as const)("%s is %s over a %d-byte digest", (alg, family, length) => {
    expect(SIGNATURE_ALGORITHMS[alg].family).toBe(family);
    expect(SIGNATURE_ALGORITHMS[alg].digestLength).toBe(length);
  });

  it("maps ES* to the curves Azure names, with fixed r || s sizes", () => {
    const ec = (alg: "ES256" | "ES384" | "ES512" | "ES256K") => {
      const d = SIGNATURE_ALGORITHMS[alg];
      return [d.curve, 2 * d.scalarLength, d.hash];
    };
    expect(ec("ES256")).toStrictEqual(["P-256", 64, "SHA-256"]);
    expect(ec("ES384")).toStrictEqual(["P-384", 96, "SHA-384"]);
    expect(ec("ES512")).toStrictEqual(["P-521", 132, "SHA-512"]);
    expect(ec("ES256K")).toStrictEqual(["P-256K", 64, "SHA-256"]);
  });

  it("uses a salt as long as the hash for PS*, and no hash for RSNULL", () => {
    expect(SIGNATURE_ALGORITHMS.PS256.saltLength).toBe(32);
    expect(SIGNATURE_ALGORITHMS.PS384.saltLength).toBe(48);
    expect(SIGNATURE_ALGORITHMS.PS512.saltLength).toBe(64);
    expect(SIGNATURE_ALGORITHMS.RSNULL.hash).toBeNull();
  });
});

describe("assertSignatureAlgorithm", () => {
  it.each(AZURE_ALGS)("accepts %s", (alg) => {
    expect(assertSignatureAlgorithm(alg)).toBe(alg);
  });

  it.each(["rs256", "ES256k", "EdDSA", "HS1", "", "toString", "__proto__", 256, null, undefined])("refuses %j", (alg) => {
    expect(isSignatureAlgorithm(alg)).toBe(false);
    badParameter(() => assertSignatureAlgorithm(alg));
  });
});

describe("assertDigestLength", () => {
  const fixed = Object.entries(SIGNATURE_ALGORITHMS).filter(([, d]) => d.digestLength !== null);

  it.each(fixed)("%s takes exactly its hash length", (alg, d) => {
    const length = d.digestLength ?? 0;
    expect(() => assertDigestLength(alg as SignatureAlgorithm, new Uint8Array(length))).not.toThrow();
    for (const wrong of [0, 1, 20, length - 1, length + 1, 2 * length]) {
      const err = badParameter(() => assertDigestLength(alg as SignatureAlgorithm, new Uint8Array(wrong)));
      expect(err.message).toContain(alg);
    }
  });

  it("ES512 takes the 64-byte SHA-512 digest, not a 66-byte P-521 scalar", () => {
    expect(() => assertDigestLength("ES512", new Uint8Array(64))).not.toThrow();
    badParameter(() => assertDigestLength("ES512", new Uint8Array(66)));
  });

  it("RSNULL takes 1 .. k - 11 bytes of the modulus (RFC 8017 9.2)", () => {
    expect(() => assertDigestLength("RSNULL", new Uint8Array(1), 256)).not.toThrow();
    expect(() => assertDigestLength("RSNULL", new Uint8Array(245), 256)).not.toThrow();
    expect(() => assertDigestLength("RSNULL", new Uint8Array(51), 256)).not.toThrow();
    badParameter(() => assertDigestLength("RSNULL", new Uint8Array(246), 256));
    badParameter(() => assertDigestLength("RSNULL", new Uint8Array(0), 256));
    expect(digestLengthFits("RSNULL", 501, 512)).toBe(true);
    expect(digestLengthFits("RSNULL", 502, 512)).toBe(false);
  });
});

describe("assertAlgorithmFitsKey", () => {
  it("accepts a family's own keys, software or HSM", () => {
    for (const [alg, key] of [
      ["RS256", { kty: "RSA" }], ["PS512", { kty: "RSA-HSM" }], ["RSNULL", { kty: "RSA" }],
      ["ES256", { kty: "EC", crv: "P-256" }], ["ES512", { kty: "EC-HSM", crv: "P-521" }],
      ["ES256K", { kty: "EC", crv: "P-256K" }], ["HS384", { kty: "oct-HSM" }],
    ] as const) {
      expect(() => assertAlgorithmFitsKey(alg, key)).not.toThrow();
    }
  });

  it("refuses another family, or an EC key on another curve", () => {
    for (const [alg, key] of [
      ["RS256", { kty: "EC", crv: "P-256" }], ["ES256", { kty: "RSA" }], ["ES256", { kty: "EC", crv: "P-384" }],
      ["ES512", { kty: "EC", crv: "P-256" }], ["ES256K", { kty: "EC", crv: "P-256" }], ["HS256", { kty: "RSA" }],
      ["ES256", { kty: "EC" }], ["RS256", { kty: "RSA-HSMX" }],
    ] as const) {
      badParameter(() => assertAlgorithmFitsKey(alg, key));
    }
  });
});

describe("digestInfoPrefix", () => {
  // RFC 8017 §9.2 note 1, the DER of DigestInfo before H, as the RFC lists them.
  it.each([
    ["SHA-256", "3031300d060960864801650304020105000420"],
    ["SHA-384", "3041300d060960864801650304020205000430"],
    ["SHA-512", "3051300d060960864801650304020305000440"],
  ] as const)("%s matches RFC 8017 9.2 note 1", (hash, expected) => {
    expect(hex(digestInfoPrefix(hash))).toBe(expected);
  });
});
