import { beforeAll, describe, expect, it } from "vitest";
import { sha256, sha384, sha512 } from "@noble/hashes/sha2.js";
import {
  digestInfoPrefix,
  emsaPssEncode,
  emsaPssVerify,
  prepareRsaSigningKey,
  prepareRsaVerifyingKey,
  rsaSignDigest,
  rsaVerifyDigest,
  type RsaPrivateJwk,
  type RsaSigningKey,
} from "../../core/crypto/sign/rsa-digest-signature.ts";
import { SIGNATURE_ALGORITHMS, type HashName, type RsaSignatureAlgorithm } from "../../core/crypto/sign/signature-algorithms.ts";
import { badParameter } from "../support/bad-parameter.ts";
import pkcs1Vectors from "../vectors/wycheproof-rsa-pkcs1-2048-sha256.json";
import pssVectors from "../vectors/wycheproof-rsa-pss-2048-sha256-mgf1-32.json";

const fromHex = (h: string): Uint8Array<ArrayBuffer> => Uint8Array.from(h.match(/../g) ?? [], (b) => parseInt(b, 16));
const b64u = (bytes: Uint8Array): string =>
  btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const utf8 = (s: string): Uint8Array<ArrayBuffer> => new TextEncoder().encode(s) as Uint8Array<ArrayBuffer>;
const HASH: Record<HashName, (m: Uint8Array) => Uint8Array> = { "SHA-256": sha256, "SHA-384": sha384, "SHA-512": sha512 };
const flip = (bytes: Uint8Array, index: number, bit = 0): Uint8Array => {
  const out = bytes.slice();
  out[index] = (out[index] ?? 0) ^ (1 << bit);
  return out;
};


async function generateRsaJwk(modulusLength: number): Promise<RsaPrivateJwk> {
  const pair = (await crypto.subtle.generateKey(
    { name: "RSASSA-PKCS1-v1_5", modulusLength, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
    true,
    ["sign", "verify"],
  )) as CryptoKeyPair;
  return (await crypto.subtle.exportKey("jwk", pair.privateKey)) as unknown as RsaPrivateJwk;
}

/** The same key as WebCrypto sees it for one algorithm (its JWK `alg` would pin the first hash). */
async function webCryptoPair(jwk: RsaPrivateJwk, alg: RsaSignatureAlgorithm) {
  const d = SIGNATURE_ALGORITHMS[alg];
  const algorithm = { name: d.scheme === "RSASSA-PSS" ? "RSA-PSS" : "RSASSA-PKCS1-v1_5", hash: d.hash ?? "SHA-256" };
  const { n, e, d: dd, p, q, dp, dq, qi } = jwk;
  const privateKey = await crypto.subtle.importKey("jwk", { kty: "RSA", n, e, d: dd, p, q, dp, dq, qi }, algorithm, false, ["sign"]);
  const publicKey = await crypto.subtle.importKey("jwk", { kty: "RSA", n, e }, algorithm, false, ["verify"]);
  const params = d.scheme === "RSASSA-PSS" ? { name: "RSA-PSS", saltLength: d.saltLength } : { name: "RSASSA-PKCS1-v1_5" };
  return { privateKey, publicKey, params };
}

function wycheproofKey(group: { n: string; e: string }) {
  return prepareRsaVerifyingKey({ n: b64u(fromHex(group.n)), e: b64u(fromHex(group.e)) });
}

describe("Wycheproof rsa_signature_2048_sha256 (RS256 verify over SHA-256(msg))", () => {
  for (const group of pkcs1Vectors.groups) {
    const key = wycheproofKey(group);
    it.each(group.tests)("tcId $tcId -> $result", (t) => {
      // 'acceptable' (DigestInfo without NULL) is refused: we compare against the one DER encoding.
      expect(rsaVerifyDigest("RS256", key, sha256(fromHex(t.msg)), fromHex(t.sig))).toBe(t.result === "valid");
    });
  }
});

describe("Wycheproof rsa_pss_2048_sha256_mgf1_32 (PS256 verify over SHA-256(msg))", () => {
  for (const group of pssVectors.groups) {
    const key = wycheproofKey(group);
    it.each(group.tests)("tcId $tcId -> $result", (t) => {
      expect(rsaVerifyDigest("PS256", key, sha256(fromHex(t.msg)), fromHex(t.sig))).toBe(t.result === "valid");
    });
  }
});

describe("independent checks against WebCrypto (it hashes the message itself)", () => {
  const ALGS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512"] as const;
  const MESSAGES = [new Uint8Array(0), utf8("abc"), crypto.getRandomValues(new Uint8Array(1000))];
  const keys: { jwk: RsaPrivateJwk; key: RsaSigningKey }[] = [];

  beforeAll(async () => {
    for (const bits of [2048, 3072]) {
      const jwk = await generateRsaJwk(bits);
      keys.push({ jwk, key: prepareRsaSigningKey(jwk) });
    }
  });

  it.each(ALGS)("%s: our signature over H(m) verifies in WebCrypto over m, and WebCrypto's in ours", async (alg) => {
    const hash = SIGNATURE_ALGORITHMS[alg].hash;
    for (const { jwk, key } of keys) {
      const web = await webCryptoPair(jwk, alg);
      const verifying = prepareRsaVerifyingKey({ n: jwk.n, e: jwk.e });
      for (const m of MESSAGES) {
        const ours = rsaSignDigest(alg, key, HASH[hash](m));
        expect(ours.length).toBe(key.modulusBytes);
        expect(await crypto.subtle.verify(web.params, web.publicKey, ours, m)).toBe(true);
        expect(await crypto.subtle.verify(web.params, web.publicKey, flip(ours, 7), m)).toBe(false);

        const theirs = new Uint8Array(await crypto.subtle.sign(web.params, web.privateKey, m));
        expect(rsaVerifyDigest(alg, verifying, HASH[hash](m), theirs)).toBe(true);
        expect(rsaVerifyDigest(alg, verifying, HASH[hash](utf8("other")), theirs)).toBe(false);
        if (alg.startsWith("RS")) expect(ours).toStrictEqual(theirs); // v1.5 is deterministic: same bytes
      }
    }
  });

  it("RSNULL over DigestInfo || H(m) is byte-for-byte the RS256 signature WebCrypto makes over m", async () => {
    const [{ jwk, key }] = keys as [{ jwk: RsaPrivateJwk; key: RsaSigningKey }];
    const web = await webCryptoPair(jwk, "RS256");
    const m = utf8("sample");
    const t = new Uint8Array([...digestInfoPrefix("SHA-256"), ...sha256(m)]);
    const raw = rsaSignDigest("RSNULL", key, t);
    expect(raw).toStrictEqual(new Uint8Array(await crypto.subtle.sign(web.params, web.privateKey, m)));
    expect(rsaVerifyDigest("RSNULL", key, t, raw)).toBe(true);
    expect(rsaVerifyDigest("RS256", key, sha256(m), raw)).toBe(true);
  });

  it("RSNULL signs any length up to k - 11 and nothing longer", () => {
    const [{ key }] = keys as [{ jwk: RsaPrivateJwk; key: RsaSigningKey }];
    for (const length of [1, 20, 36, 245]) {
      const data = crypto.getRandomValues(new Uint8Array(length));
      const signature = rsaSignDigest("RSNULL", key, data);
      expect(rsaVerifyDigest("RSNULL", key, data, signature)).toBe(true);
      expect(rsaVerifyDigest("RSNULL", key, flip(data, 0), signature)).toBe(false);
    }
    badParameter(() => rsaSignDigest("RSNULL", key, new Uint8Array(246)));
    badParameter(() => rsaSignDigest("RSNULL", key, new Uint8Array(0)));
    expect(rsaVerifyDigest("RSNULL", key, new Uint8Array(246), new Uint8Array(256))).toBe(false);
  });

  it("PS* signatures are salted: two over the same digest differ, both verify", () => {
    const [{ key }] = keys as [{ jwk: RsaPrivateJwk; key: RsaSigningKey }];
    const digest = sha384(utf8("salt"));
    const a = rsaSignDigest("PS384", key, digest);
    const b = rsaSignDigest("PS384", key, digest);
    expect(a).not.toStrictEqual(b);
    expect(rsaVerifyDigest("PS384", key, digest, a) && rsaVerifyDigest("PS384", key, digest, b)).toBe(true);
  });

  it("refuses digests of the wrong length to sign (BadParameter) and to verify (false)", () => {
    const [{ key }] = keys as [{ jwk: RsaPrivateJwk; key: RsaSigningKey }];
    for (const alg of ALGS) {
      const good = SIGNATURE_ALGORITHMS[alg].digestLength;
      const signature = rsaSignDigest(alg, key, new Uint8Array(good));
      for (const length of [0, 20, good - 1, good + 1]) {
        badParameter(() => rsaSignDigest(alg, key, new Uint8Array(length)));
        expect(rsaVerifyDigest(alg, key, new Uint8Array(length), signature)).toBe(false);
      }
    }
  });

  it("answers false, never throws, for malformed signatures", () => {
    const [{ jwk, key }] = keys as [{ jwk: RsaPrivateJwk; key: RsaSigningKey }];
    const digest = sha256(utf8("x"));
    const good = rsaSignDigest("PS256", key, digest);
    const n = Uint8Array.from(atob(jwk.n.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
    const bad = [new Uint8Array(0), good.subarray(1), new Uint8Array([...good, 0]), new Uint8Array([0, ...good]),
      new Uint8Array(256), new Uint8Array(256).fill(0xff), n, Uint8Array.of(1)];
    for (const alg of ["RS256", "PS256", "RSNULL"] as const) {
      for (const signature of bad) expect(rsaVerifyDigest(alg, key, digest, signature)).toBe(false);
    }
    expect(rsaVerifyDigest("RS256", key, digest, good)).toBe(false); // a PSS signature is not a v1.5 one
  });

  it("refuses a key too small for the PSS encoding (RFC 8017 9.1.1 step 3)", async () => {
    const small = prepareRsaSigningKey(await generateRsaJwk(1024));
    expect(rsaVerifyDigest("PS256", small, new Uint8Array(32), rsaSignDigest("PS256", small, new Uint8Array(32)))).toBe(true);
    badParameter(() => rsaSignDigest("PS512", small, new Uint8Array(64))); // emLen 128 < 64 + 64 + 2
  });

  it("refuses keys that are not RSA keys", () => {
    const [{ jwk }] = keys as [{ jwk: RsaPrivateJwk; key: RsaSigningKey }];
    badParameter(() => prepareRsaVerifyingKey({ n: "", e: "AQAB" }));
    badParameter(() => prepareRsaVerifyingKey({ n: "not base64!", e: "AQAB" }));
    // Components that do not agree: workerd's JWK import alone would take these.
    for (const bad of [{ d: "AQAB" }, { qi: "AQAB" }, { p: jwk.q, q: jwk.p }, { dp: jwk.dq }, { n: jwk.p }]) {
      badParameter(() => prepareRsaSigningKey({ ...jwk, ...bad }));
    }
  });
});

describe("EMSA-PSS encoding on its own (RFC 8017 9.1)", () => {
  // emBits = modBits − 1: 2047 clears one top bit in a 256-byte EM; 2048 (a 2049-bit modulus) clears none.
  it.each([2047, 2048, 1031, 3071])("emBits %d: encodes, verifies, and every flipped bit fails", (emBits) => {
    const mHash = sha256(utf8("message"));
    const em = emsaPssEncode(mHash, emBits, "SHA-256", crypto.getRandomValues(new Uint8Array(32)));
    expect(em.length).toBe(Math.ceil(emBits / 8));
    expect(em[em.length - 1]).toBe(0xbc);
    expect((em[0] ?? 0) >>> (8 - (8 * em.length - emBits))).toBe(0); // step 11: unused top bits are zero
    expect(emsaPssVerify(mHash, em, emBits, "SHA-256", 32)).toBe(true);
    expect(emsaPssVerify(sha256(utf8("other")), em, emBits, "SHA-256", 32)).toBe(false);
    expect(emsaPssVerify(mHash, em, emBits, "SHA-256", 20)).toBe(false); // wrong salt length
    expect(emsaPssVerify(mHash, em.subarray(1), emBits, "SHA-256", 32)).toBe(false);
    for (let i = 0; i < em.length; i++) {
      for (const bit of [0, 7]) expect(emsaPssVerify(mHash, flip(em, i, bit), emBits, "SHA-256", 32)).toBe(false);
    }
  });

  it("takes an empty salt and a salt as long as SHA-512 alike", () => {
    const mHash = sha512(utf8("m"));
    for (const sLen of [0, 64]) {
      const em = emsaPssEncode(mHash, 2047, "SHA-512", new Uint8Array(sLen).fill(7));
      expect(emsaPssVerify(mHash, em, 2047, "SHA-512", sLen)).toBe(true);
    }
  });
});
