/**
 * Sign and verify (keys.json KeySignParameters / KeyVerifyParameters) checked independently inside
 * workerd: every signature the API makes is verified with WebCrypto over the MESSAGE whose digest
 * was sent (ES256K with @noble/curves, HS* by recomputing the HMAC over the digest), and the API must
 * accept signatures made elsewhere with the same key and refuse them with one bit flipped.
 */
import { describe, expect, it } from "vitest";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { failOnlyOnTrulyUnhandledRejections } from "../support/rejections.ts";
import {
  EC_P256_JWK,
  EC_P521_JWK,
  OCT_KEYS,
  RSA_2048_JWK,
  b64u,
  concat,
  createKey,
  digestOf,
  expectKvError,
  expectOk,
  flipped,
  fromB64u,
  importKey,
  keyOp,
  sharedKeyVault,
  octJwk,
  privateMembersIn,
  publicOf,
  sign,
  utf8,
  verify,
  versionOfKid,
  type GuardedClient,
  type KeyBundle,
  SLOW_KEYS,
  type KnownJwk,
} from "../support/key-api.ts";
import { hex as hexBytes } from "../support/bytes.ts";

failOnlyOnTrulyUnhandledRejections();

/** rsa (RFC 7517 A.2), p256 (RFC 7515 A.3), p521 (A.4), p384 and k1 (P-256K) created, mac/mac128 oct keys for HS*. */
const shared = sharedKeyVault("sv", async ({ kv }) => {
  await importKey(kv, "rsa", RSA_2048_JWK);
  await importKey(kv, "p256", EC_P256_JWK);
  await importKey(kv, "p521", EC_P521_JWK);
  await createKey(kv, "p384", { kty: "EC", crv: "P-384" });
  await createKey(kv, "k1", { kty: "EC", crv: "P-256K" });
  await importKey(kv, "mac", octJwk(OCT_KEYS[256], ["sign", "verify"]));
  await importKey(kv, "mac128", octJwk(OCT_KEYS[128], ["sign", "verify"]));
});
const getKey = async (kv: GuardedClient, name: string): Promise<KeyBundle> => expectOk(await kv.json<KeyBundle>("GET", `/keys/${name}`));

type Hash = "SHA-256" | "SHA-384" | "SHA-512";
const HASH: Record<string, Hash> = { "256": "SHA-256", "384": "SHA-384", "512": "SHA-512", "256K": "SHA-256" };
const hashOf = (alg: string): Hash => HASH[alg.slice(2)] as Hash;

/** RFC 8017 §9.2 note 1: the DER DigestInfo prefix for SHA-256. */
const SHA256_DIGEST_INFO_PREFIX = hexBytes("3031300d060960864801650304020105000420");

const message = (label: string): Uint8Array<ArrayBuffer> => utf8(`message signed by the vault: ${label}`);

function webCryptoParams(alg: string, jwk: KnownJwk) {
  const hash = hashOf(alg);
  if (alg.startsWith("RS")) return { importAlg: { name: "RSASSA-PKCS1-v1_5", hash }, signAlg: { name: "RSASSA-PKCS1-v1_5" } };
  if (alg.startsWith("PS")) {
    return { importAlg: { name: "RSA-PSS", hash }, signAlg: { name: "RSA-PSS", saltLength: Number(alg.slice(2)) / 8 } };
  }
  return { importAlg: { name: "ECDSA", namedCurve: jwk.crv as string }, signAlg: { name: "ECDSA", hash } };
}

async function webCryptoVerify(alg: string, publicJwk: KnownJwk, signature: Uint8Array, data: Uint8Array): Promise<boolean> {
  const { importAlg, signAlg } = webCryptoParams(alg, publicJwk);
  const key = await crypto.subtle.importKey("jwk", publicJwk, importAlg, false, ["verify"]);
  return crypto.subtle.verify(signAlg, key, new Uint8Array(signature), new Uint8Array(data));
}

async function webCryptoSign(alg: string, privateJwk: KnownJwk, data: Uint8Array): Promise<Uint8Array> {
  const { importAlg, signAlg } = webCryptoParams(alg, privateJwk);
  const key = await crypto.subtle.importKey("jwk", privateJwk, importAlg, false, ["sign"]);
  return new Uint8Array(await crypto.subtle.sign(signAlg, key, new Uint8Array(data)));
}

describe("the guard itself", () => {
  it("finds private members at any depth", () => {
    expect(privateMembersIn({ key: { kty: "RSA", n: "x", d: "y" }, value: [{ k: "z" }], dq: 1 })).toEqual(["$.key.d", "$.value[0].k", "$.dq"]);
    expect(privateMembersIn({ key: { kty: "EC", crv: "P-256", x: "a", y: "b" }, kid: "k" })).toEqual([]);
  });
});

describe("signatures the API makes verify independently", SLOW_KEYS, () => {
  it("RS256/384/512 and PS256/384/512 (imported RFC 7517 A.2 key) verify with WebCrypto over the message", async () => {
    const { kv } = shared();
    const imported = await getKey(kv, "rsa");
    const pub = publicOf(imported.key);
    for (const alg of ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512"]) {
      const m = message(alg);
      const digest = await digestOf(hashOf(alg), m);
      const res = await keyOp(kv, "rsa", "sign", { alg, value: b64u(digest) });
      const body = expectOk(res, alg);
      expect(body.kid).toBe(imported.key.kid);
      const signature = fromB64u(body.value);
      expect(signature.length, alg).toBe(256);
      expect(await webCryptoVerify(alg, pub, signature, m), alg).toBe(true);
      expect(await webCryptoVerify(alg, pub, signature, utf8("another message")), alg).toBe(false);
      if (alg.startsWith("RS")) {
        // PKCS#1 v1.5 is deterministic: the same bytes WebCrypto makes with the private key.
        expect(b64u(signature), alg).toBe(b64u(await webCryptoSign(alg, RSA_2048_JWK, m)));
      }
      expect(await verify(kv, "rsa", alg, digest, signature), alg).toBe(true);
      expect(await verify(kv, "rsa", alg, digest, flipped(signature)), alg).toBe(false);
    }
  });

  it("ES256 (P-256), ES384 (P-384), ES512 (P-521): raw r||s that WebCrypto verifies over the message", async () => {
    const { kv } = shared();
    const keys: Record<string, KeyBundle> = {
      ES256: await getKey(kv, "p256"),
      ES384: await getKey(kv, "p384"),
      ES512: await getKey(kv, "p521"),
    };
    const names: Record<string, string> = { ES256: "p256", ES384: "p384", ES512: "p521" };
    const sizes: Record<string, number> = { ES256: 64, ES384: 96, ES512: 132 };
    for (const alg of ["ES256", "ES384", "ES512"]) {
      const m = message(alg);
      const digest = await digestOf(hashOf(alg), m);
      const signature = await sign(kv, names[alg] as string, alg, digest);
      expect(signature.length, alg).toBe(sizes[alg]);
      const pub = publicOf((keys[alg] as KeyBundle).key);
      expect(await webCryptoVerify(alg, pub, signature, m), alg).toBe(true);
      expect(await webCryptoVerify(alg, pub, flipped(signature), m), alg).toBe(false);
      expect(await verify(kv, names[alg] as string, alg, digest, signature), alg).toBe(true);
      expect(await verify(kv, names[alg] as string, alg, digest, flipped(signature)), alg).toBe(false);
    }
  });

  it("ES256K (P-256K) verifies with @noble/curves secp256k1 over the digest", async () => {
    const { kv } = shared();
    const created = await getKey(kv, "k1");
    const publicKey = concat(new Uint8Array([4]), fromB64u(created.key.x), fromB64u(created.key.y));
    for (const label of ["one", "two", "three"]) {
      const digest = await digestOf("SHA-256", message(label));
      const signature = await sign(kv, "k1", "ES256K", digest);
      expect(signature.length).toBe(64);
      expect(secp256k1.verify(signature, digest, publicKey, { prehash: false, lowS: false })).toBe(true);
      expect(secp256k1.verify(signature, flipped(digest), publicKey, { prehash: false, lowS: false })).toBe(false);
      expect(await verify(kv, "k1", "ES256K", digest, signature)).toBe(true);
    }
  });

  it("HS256/384/512 with an imported oct key: the signature is HMAC-SHA-x(k, digest)", async () => {
    const { kv } = shared();
    const k = OCT_KEYS[256];
    for (const alg of ["HS256", "HS384", "HS512"]) {
      const hash = hashOf(alg);
      const digest = await digestOf(hash, message(alg));
      const signature = await sign(kv, "mac", alg, digest);
      const hmacKey = await crypto.subtle.importKey("raw", k, { name: "HMAC", hash }, false, ["sign"]);
      const expected = new Uint8Array(await crypto.subtle.sign("HMAC", hmacKey, digest));
      expect(b64u(signature), alg).toBe(b64u(expected));
      expect(await verify(kv, "mac", alg, digest, signature), alg).toBe(true);
      expect(await verify(kv, "mac", alg, digest, flipped(signature)), alg).toBe(false);
    }
  });

  it("sign with an explicit older version uses that version's key and names it in kid", async () => {
    const { kv } = shared();
    const v1 = await createKey(kv, "k", { kty: "EC", crv: "P-256" });
    const v2 = await createKey(kv, "k", { kty: "EC", crv: "P-256" });
    const m = message("versions");
    const digest = await digestOf("SHA-256", m);
    const res = expectOk(await keyOp(kv, "k", "sign", { alg: "ES256", value: b64u(digest) }, versionOfKid(v1.key.kid)));
    expect(res.kid).toBe(v1.key.kid);
    const signature = fromB64u(res.value);
    expect(await webCryptoVerify("ES256", publicOf(v1.key), signature, m)).toBe(true);
    expect(await webCryptoVerify("ES256", publicOf(v2.key), signature, m)).toBe(false);
    expect(await verify(kv, "k", "ES256", digest, signature, versionOfKid(v1.key.kid))).toBe(true);
    expect(await verify(kv, "k", "ES256", digest, signature)).toBe(false);
  });
});

describe("the API verifies signatures made elsewhere", SLOW_KEYS, () => {
  it("RSA (RS256, RS512, PS256, PS384): WebCrypto signs with the imported private key; a flipped bit is false", async () => {
    const { kv } = shared();
    for (const alg of ["RS256", "RS512", "PS256", "PS384"]) {
      const m = message(`external ${alg}`);
      const signature = await webCryptoSign(alg, RSA_2048_JWK, m);
      const digest = await digestOf(hashOf(alg), m);
      expect(await verify(kv, "rsa", alg, digest, signature), alg).toBe(true);
      expect(await verify(kv, "rsa", alg, digest, flipped(signature, 5)), alg).toBe(false);
      expect(await verify(kv, "rsa", alg, flipped(digest), signature), alg).toBe(false);
    }
  });

  it("EC P-256 (RFC 7515 A.3), P-384 (WebCrypto-generated), P-521 (A.4): WebCrypto signatures verify", async () => {
    const { kv } = shared();
    const pair = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-384" }, true, ["sign", "verify"])) as CryptoKeyPair;
    const p384 = (await crypto.subtle.exportKey("jwk", pair.privateKey)) as JsonWebKey;
    const p384Jwk = { kty: "EC", crv: "P-384", x: p384.x as string, y: p384.y as string, d: p384.d as string };
    const cases = [
      { alg: "ES256", name: "p256", jwk: EC_P256_JWK },
      { alg: "ES384", name: "wcp384", jwk: p384Jwk },
      { alg: "ES512", name: "p521", jwk: EC_P521_JWK },
    ];
    await importKey(kv, "wcp384", p384Jwk);
    for (const { alg, name, jwk } of cases) {
      const m = message(`external ${alg}`);
      const signature = await webCryptoSign(alg, jwk, m);
      const digest = await digestOf(hashOf(alg), m);
      expect(await verify(kv, name, alg, digest, signature), alg).toBe(true);
      expect(await verify(kv, name, alg, digest, flipped(signature)), alg).toBe(false);
    }
  });

  it("ES256K: a noble secp256k1 key imported, noble signatures verify, a flipped bit does not", async () => {
    const { kv } = shared();
    const secretKey = secp256k1.utils.randomSecretKey();
    const point = secp256k1.getPublicKey(secretKey, false);
    await importKey(kv, "k1ext", { kty: "EC", crv: "P-256K", x: b64u(point.subarray(1, 33)), y: b64u(point.subarray(33, 65)), d: b64u(secretKey) });
    const digest = await digestOf("SHA-256", message("k1 external"));
    const signature = secp256k1.sign(digest, secretKey, { prehash: false });
    expect(await verify(kv, "k1ext", "ES256K", digest, signature)).toBe(true);
    expect(await verify(kv, "k1ext", "ES256K", digest, flipped(signature))).toBe(false);
  });
});

describe("RSNULL", SLOW_KEYS, () => {
  it("over a DigestInfo-prefixed SHA-256 digest equals the RS256 signature of that digest", async () => {
    const { kv } = shared();
    const imported = await getKey(kv, "rsa");
    const m = message("RSNULL");
    const digest = await digestOf("SHA-256", m);
    const digestInfo = concat(SHA256_DIGEST_INFO_PREFIX, digest);
    expect(digestInfo.length).toBe(51);
    const raw = await sign(kv, "rsa", "RSNULL", digestInfo);
    const rs256 = await sign(kv, "rsa", "RS256", digest);
    expect(b64u(raw)).toBe(b64u(rs256));
    expect(await webCryptoVerify("RS256", publicOf(imported.key), raw, m)).toBe(true);
    expect(await verify(kv, "rsa", "RSNULL", digestInfo, raw)).toBe(true);
    expect(await verify(kv, "rsa", "RSNULL", digestInfo, flipped(raw))).toBe(false);
    // RSNULL takes 1 .. k-11 bytes (k = 256).
    expect((await keyOp(kv, "rsa", "sign", { alg: "RSNULL", value: b64u(new Uint8Array(245).fill(1)) })).status).toBe(200);
    expectKvError(await keyOp(kv, "rsa", "sign", { alg: "RSNULL", value: b64u(new Uint8Array(246).fill(1)) }), 400, "BadParameter");
  });
});

describe("refused sign/verify requests", SLOW_KEYS, () => {
  it("a digest of the wrong length -> 400 BadParameter for sign and verify", async () => {
    const { kv } = shared();
    const cases: [string, string, number][] = [
      ["rsa", "RS256", 31],
      ["rsa", "RS256", 33],
      ["rsa", "RS384", 32],
      ["rsa", "PS512", 48],
      ["p256", "ES256", 48],
      ["p521", "ES512", 66],
      ["mac128", "HS256", 20],
      ["mac", "HS512", 32],
    ];
    for (const [name, alg, length] of cases) {
      const digest = new Uint8Array(length).fill(7);
      expectKvError(await keyOp(kv, name, "sign", { alg, value: b64u(digest) }), 400, "BadParameter");
      const res = await kv.json("POST", `/keys/${name}/verify`, { alg, digest: b64u(digest), value: b64u(new Uint8Array(64)) });
      expectKvError(res, 400, "BadParameter");
    }
  });

  it("an algorithm that does not fit the key -> 400 BadParameter", async () => {
    const { kv } = shared();
    const d32 = new Uint8Array(32).fill(1);
    const d48 = new Uint8Array(48).fill(1);
    const cases: [string, string, Uint8Array][] = [
      ["p256", "RS256", d32],
      ["p256", "PS256", d32],
      ["p256", "ES384", d48],
      ["p256", "ES256K", d32],
      ["p256", "HS256", d32],
      ["rsa", "HS256", d32],
      ["rsa", "ES256", d32],
      ["mac", "ES256", d32],
      ["mac", "RS256", d32],
    ];
    for (const [name, alg, digest] of cases) {
      const error = expectKvError(await keyOp(kv, name, "sign", { alg, value: b64u(digest) }), 400, "BadParameter");
      expect(error.message.length).toBeGreaterThan(0);
      const res = await kv.json("POST", `/keys/${name}/verify`, { alg, digest: b64u(digest), value: b64u(new Uint8Array(64)) });
      expect(res.status, `${alg} verify on ${name}`).toBe(400);
    }
  });

  it("unknown or mis-cased algorithm, missing alg/value/digest -> 400 BadParameter", async () => {
    const { kv } = shared();
    const d = b64u(new Uint8Array(32));
    for (const body of [{ alg: "es256", value: d }, { alg: "ES1", value: d }, { alg: "", value: d }, { value: d }, { alg: "ES256" }, { alg: 7, value: d }]) {
      expectKvError(await keyOp(kv, "p256", "sign", body), 400, "BadParameter");
    }
    expectKvError(await kv.json("POST", "/keys/p256/verify", { alg: "ES256", value: d }), 400, "BadParameter");
    expectKvError(await kv.json("POST", "/keys/p256/verify", { alg: "ES256", digest: d }), 400, "BadParameter");
  });
});
