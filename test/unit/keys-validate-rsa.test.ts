import { describe, expect, it } from "vitest";
import { createPrivateKey } from "node:crypto";
import { validateImportedJwk, publicJwk } from "../../core/crypto/keys/validate-jwk.ts";
import { bytesToBase64Url as encodeBase64Url } from "../../core/crypto/bytes.ts";
import rfc7517a2 from "../vectors/rfc7517-appendix-a2-private-keys.json";
import rfc7517c1 from "../vectors/rfc7517-appendix-c1-rsa-key.json";
import { flipBit, vectorKey, withLeadingZero, type LooseJwk } from "../support/keys.ts";
import { badParameter as expectBadParameter } from "../support/bad-parameter.ts";

const MEMBERS = ["n", "e", "d", "p", "q", "dp", "dq", "qi"] as const;
const A2 = vectorKey(rfc7517a2, 1);
const C1 = vectorKey(rfc7517c1, 0);

const keyMaterial = (jwk: LooseJwk): Record<string, string | undefined> =>
  Object.fromEntries(["kty", ...MEMBERS].map((name) => [name, jwk[name]]));

const without = (jwk: LooseJwk, ...names: string[]): LooseJwk =>
  Object.fromEntries(Object.entries(jwk).filter(([name]) => !names.includes(name)));

describe("validateImportedJwk - RSA keys from RFC 7517", () => {
  it("accepts Appendix A.2 and C.1 and returns exactly their key material", () => {
    for (const vector of [A2, C1]) {
      expect(validateImportedJwk(vector)).toStrictEqual(keyMaterial(vector));
    }
  });

  it("returns a key node:crypto loads, and a public projection of n and e only", () => {
    const jwk = validateImportedJwk(A2);
    expect(createPrivateKey({ key: { ...jwk }, format: "jwk" }).asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(publicJwk(jwk)).toStrictEqual({ kty: "RSA", n: A2["n"], e: "AQAB" });
  });

  it("tolerates leading zero octets (.NET padding, Azure's 'AAEAAQ') and drops them", () => {
    const padded = { ...A2, e: "AAEAAQ", n: withLeadingZero(A2["n"]), d: withLeadingZero(A2["d"]), qi: withLeadingZero(A2["qi"]) };
    expect(validateImportedJwk(padded)).toStrictEqual(keyMaterial(A2));
  });
});

describe("validateImportedJwk - RSA consistency (RFC 8017 section 3.2)", () => {
  const cases: [member: (typeof MEMBERS)[number], message: RegExp][] = [
    ["n", /n is not the product of p and q/],
    ["p", /n is not the product of p and q/],
    ["q", /n is not the product of p and q/],
    ["d", /d is not the inverse of e/],
    ["dp", /dp is not d mod \(p-1\)/],
    ["dq", /dq is not d mod \(q-1\)/],
    ["qi", /qi is not the inverse of q modulo p/],
  ];
  for (const [member, message] of cases) {
    it(`rejects a flipped bit in ${member}`, () => {
      for (const vector of [A2, C1]) {
        expectBadParameter(() => validateImportedJwk({ ...vector, [member]: flipBit(vector[member]) }), message);
      }
    });
  }

  it("rejects p and q swapped (with dp and dq) when qi was not recomputed", () => {
    const swapped = { ...A2, p: A2["q"], q: A2["p"], dp: A2["dq"], dq: A2["dp"] };
    expectBadParameter(() => validateImportedJwk(swapped), /qi is not the inverse of q modulo p/);
  });

  it("rejects p and q swapped alone", () => {
    expectBadParameter(() => validateImportedJwk({ ...A2, p: A2["q"], q: A2["p"] }), /RSA key is not valid/);
  });

  it("rejects a different public exponent, an even one, 1, and one of 2^32 or more", () => {
    expectBadParameter(() => validateImportedJwk({ ...A2, e: "AQAD" }), /d is not the inverse of e/);
    for (const e of ["AQAA", "AQ", "Ag", "AQAAAAE", "AQAAAAAAAAAB"]) {
      expectBadParameter(() => validateImportedJwk({ ...A2, e }), /public exponent/);
    }
  });

  it("rejects d = 0 and d >= n", () => {
    expectBadParameter(() => validateImportedJwk({ ...A2, d: "AA" }), /d must lie in \[1, n-1\]/);
    expectBadParameter(() => validateImportedJwk({ ...A2, d: A2["n"] }), /d must lie in \[1, n-1\]/);
  });

  it("rejects p = q and a member longer than the modulus", () => {
    expectBadParameter(() => validateImportedJwk({ ...A2, q: A2["p"] }), /two different primes/);
    expectBadParameter(() => validateImportedJwk({ ...A2, dp: withLeadingZero(withLeadingZero(A2["n"])) }), /longer than the modulus/);
  });
});

describe("validateImportedJwk - RSA structure", () => {
  for (const member of MEMBERS) {
    it(`rejects a key without '${member}'`, () => {
      expectBadParameter(() => validateImportedJwk(without(A2, member)), new RegExp(`missing the '${member}' member`));
    });
  }

  it("rejects n, e, d without the CRT parameters (Azure needs all eight)", () => {
    expectBadParameter(() => validateImportedJwk(without(A2, "p", "q", "dp", "dq", "qi")), /missing the 'p' member/);
  });

  it("rejects a member that is not a string", () => {
    expectBadParameter(() => validateImportedJwk({ ...A2, e: 65537 }), /'e' member of the RSA key must be a string/);
  });

  it("rejects non-base64url spellings of a member", () => {
    const n = A2["n"] ?? "";
    const spellings = [
      `${n}=`, // padding (RFC 7515 §2 forbids it)
      n.replace(/-/g, "+").replace(/_/g, "/"), // base64, not base64url
      `${n.slice(0, 20)} ${n.slice(20)}`, // whitespace
      `${n.slice(0, -1)}h`, // last character with non-zero unused bits (RFC 4648 §3.5)
      `${n}AAA`, // a length no encoding produces (4k+1 characters)
      "",
    ];
    for (const spelling of spellings) {
      expectBadParameter(() => validateImportedJwk({ ...A2, n: spelling }), /'n' member of the RSA key is not valid base64url/);
    }
  });

  it("rejects a 1024-bit key with Azure's size message", async () => {
    const pair = (await crypto.subtle.generateKey(
      { name: "RSASSA-PKCS1-v1_5", modulusLength: 1024, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
      true,
      ["sign", "verify"],
    )) as CryptoKeyPair;
    const jwk: unknown = await crypto.subtle.exportKey("jwk", pair.privateKey);
    expectBadParameter(() => validateImportedJwk(jwk), /^Unsupported key size \(1024\)\. Supported sizes are \[2048, 3072, 4096\]$/);
  });

  it("rejects a modulus one bit short of 2048 before doing any other maths", () => {
    const n = new Uint8Array(256).fill(0xff);
    n[0] = 0x7f;
    expectBadParameter(() => validateImportedJwk({ ...A2, n: encodeBase64Url(n) }), /Unsupported key size \(2047\)/);
  });
});
