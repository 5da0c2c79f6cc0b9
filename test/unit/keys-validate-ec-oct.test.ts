import { describe, expect, it } from "vitest";
import { p256, p521 } from "@noble/curves/nist.js";
import { validateImportedJwk, publicJwk } from "../../core/crypto/keys/validate-jwk.ts";
import { generateEc, generateOct } from "../../core/crypto/keys/generate-key.ts";
import { bigIntToBytes, bytesToBigInt } from "../../core/crypto/keys/bigint-math.ts";
import { bytesToBase64Url as encodeBase64Url } from "../../core/crypto/bytes.ts";
import rfc7517a2 from "../vectors/rfc7517-appendix-a2-private-keys.json";
import rfc7515 from "../vectors/rfc7515-appendix-a3-a4-ec-keys.json";
import rfc7517a3 from "../vectors/rfc7517-appendix-a3-symmetric-keys.json";
import { bytesOf, flipBit, vectorKey, vectorKeys, type LooseJwk } from "../support/keys.ts";
import { badParameter as expectBadParameter } from "../support/bad-parameter.ts";

const EC_A2 = vectorKey(rfc7517a2, 0);
const P256 = vectorKey(rfc7515, 0);
const P521 = vectorKey(rfc7515, 1);

const integer = (member: string | undefined): bigint => bytesToBigInt(bytesOf(member));
const fixed = (value: bigint, length: number): string => encodeBase64Url(bigIntToBytes(value, length));
const material = (jwk: LooseJwk) => ({ kty: jwk["kty"], crv: jwk["crv"], x: jwk["x"], y: jwk["y"], d: jwk["d"] });

describe("validateImportedJwk - EC keys from RFC 7517 A.2 and RFC 7515 A.3/A.4", () => {
  it("accepts them and returns exactly their key material", () => {
    for (const vector of [EC_A2, P256, P521]) expect(validateImportedJwk(vector)).toStrictEqual(material(vector));
  });

  it("projects the public part as kty, crv, x, y", () => {
    expect(publicJwk(validateImportedJwk(P521))).toStrictEqual({ kty: "EC", crv: "P-521", x: P521["x"], y: P521["y"] });
  });
});

describe("validateImportedJwk - EC key-pair validation (SEC 1 section 3.2.2.1)", () => {
  it("rejects coordinates and d of the wrong length", () => {
    const short = encodeBase64Url(bytesOf(P256["x"]).subarray(1));
    const long = encodeBase64Url(new Uint8Array([0, ...bytesOf(P256["x"])]));
    expectBadParameter(() => validateImportedJwk({ ...P256, x: short }), /'x' member of the P-256 key must be 32 octets, not 31/);
    expectBadParameter(() => validateImportedJwk({ ...P256, x: long }), /must be 32 octets, not 33/);
    expectBadParameter(() => validateImportedJwk({ ...P256, y: long }), /'y' member/);
    // RFC 7515 A.4's y starts with a zero octet: dropping it is the classic fixed-width mistake.
    const minimalY = encodeBase64Url(bytesOf(P521["y"]).subarray(1));
    expectBadParameter(() => validateImportedJwk({ ...P521, y: minimalY }), /must be 66 octets, not 65/);
    expectBadParameter(() => validateImportedJwk({ ...P256, d: encodeBase64Url(new Uint8Array(31).fill(1)) }), /'d' member/);
  });

  it("rejects a point that is not on the curve", () => {
    const y = fixed(integer(P256["y"]) + 1n, 32);
    expectBadParameter(() => validateImportedJwk({ ...P256, y }), /the point \(x, y\) is not on the curve/);
    expectBadParameter(() => validateImportedJwk({ ...P256, x: flipBit(P256["x"]) }), /not on the curve/);
    const origin = fixed(0n, 32);
    expectBadParameter(() => validateImportedJwk({ ...P256, x: origin, y: origin }), /not on the curve/);
  });

  it("rejects coordinates at or above the field prime", () => {
    const prime = p256.Point.Fp.ORDER;
    expectBadParameter(() => validateImportedJwk({ ...P256, x: fixed(prime, 32) }), /smaller than the field prime/);
  });

  it("rejects a valid point that is not d*G", () => {
    const other = generateEc("P-256");
    expectBadParameter(() => validateImportedJwk({ ...P256, x: other.x, y: other.y }), /\(x, y\) is not the public point of d/);
    expectBadParameter(() => validateImportedJwk({ ...P256, d: fixed(integer(P256["d"]) + 1n, 32) }), /not the public point of d/);
  });

  it("rejects d = 0, d = n and d > n", () => {
    const n256 = p256.Point.Fn.ORDER;
    for (const d of [0n, n256, n256 + 1n]) {
      expectBadParameter(() => validateImportedJwk({ ...P256, d: fixed(d, 32) }), /d must lie in \[1, n-1\]/);
    }
    expectBadParameter(() => validateImportedJwk({ ...P521, d: fixed(p521.Point.Fn.ORDER, 66) }), /d must lie in \[1, n-1\]/);
  });

  it("rejects missing members, unknown curves and a P-256 key labelled P-256K", () => {
    for (const member of ["crv", "x", "y", "d"]) {
      const { [member]: _dropped, ...rest } = P256;
      expectBadParameter(() => validateImportedJwk(rest), new RegExp(`missing the '${member}' member`));
    }
    for (const crv of ["P-192", "secp256k1", "p-256", "Ed25519"]) {
      expectBadParameter(() => validateImportedJwk({ ...P256, crv }), /^Unsupported curve/);
    }
    expectBadParameter(() => validateImportedJwk({ ...P256, crv: "P-256K" }), /EC key is not valid/);
  });

  it("rejects non-base64url members", () => {
    const x = P256["x"] ?? "";
    for (const spelling of [`${x}=`, `+${x.slice(1)}`, `${x.slice(0, 10)}\n${x.slice(10)}`, `${x.slice(0, -1)}F`]) {
      expectBadParameter(() => validateImportedJwk({ ...P256, x: spelling }), /'x' member of the EC key is not valid base64url/);
    }
  });
});

describe("validateImportedJwk - oct keys", () => {
  it("accepts RFC 7517 A.3's 128-bit key and 192/256-bit keys; no public projection", () => {
    const [a128kw, hmac] = vectorKeys(rfc7517a3);
    expect(validateImportedJwk(a128kw)).toStrictEqual({ kty: "oct", k: "GawgguFyGrWKav7AX4VKUg" });
    for (const bits of [192, 256]) {
      const key = generateOct(bits);
      expect(validateImportedJwk(key)).toStrictEqual(key);
      expect(publicJwk(key)).toBeNull();
    }
    // A.3's second key is a 512-bit HMAC key: not an AES size Azure offers.
    expectBadParameter(() => validateImportedJwk(hmac), /^Unsupported key size \(512\)\. Supported sizes are \[128, 192, 256\]$/);
  });

  it("rejects 15, 17 and 0-octet keys, a missing k and bad base64url", () => {
    for (const length of [15, 17, 31, 33]) {
      const k = encodeBase64Url(new Uint8Array(length).fill(7));
      expectBadParameter(() => validateImportedJwk({ kty: "oct", k }), new RegExp(`Unsupported key size \\(${length * 8}\\)`));
    }
    expectBadParameter(() => validateImportedJwk({ kty: "oct" }), /missing the 'k' member/);
    expectBadParameter(() => validateImportedJwk({ kty: "oct", k: "" }), /not valid base64url/);
    expectBadParameter(() => validateImportedJwk({ kty: "oct", k: "GawgguFyGrWKav7AX4VKUg==" }), /not valid base64url/);
  });
});

describe("validateImportedJwk - what is not a key", () => {
  it("rejects unknown or missing kty, including the -HSM names the caller must map first", () => {
    for (const kty of ["OKP", "RSA-HSM", "EC-HSM", "oct-HSM", "rsa", "", 1]) {
      expectBadParameter(() => validateImportedJwk({ ...P256, kty }), /^Unsupported key type .*\[RSA, EC, oct\]$/);
    }
    expectBadParameter(() => validateImportedJwk({ crv: "P-256" }), /missing the 'kty' member/);
  });

  it("rejects input that is not a JSON object", () => {
    for (const input of [null, undefined, "RSA", 42, [P256]]) {
      expectBadParameter(() => validateImportedJwk(input), /must be a JSON Web Key object/);
    }
  });
});
