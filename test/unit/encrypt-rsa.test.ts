/**
 * RSA1_5, RSA-OAEP and RSA-OAEP-256 against Wycheproof (keys from each file's privateKeyJwk), with
 * every invalid case answered by the one DecryptionFailed. Independent check: the module does OAEP
 * with WebCrypto; node:crypto `privateDecrypt`/`publicEncrypt` (oaepHash given explicitly) must read
 * and write the same ciphertexts. RSA1_5 runs on node:crypto PKCS#1 padding in the module; its output
 * is checked by raw RSA (RSA_NO_PADDING) and parsing EM by hand (RFC 8017 §7.2.2).
 */
import { constants, createPrivateKey, createPublicKey, privateDecrypt, publicEncrypt } from "node:crypto";
import { describe, expect, it } from "vitest";
import oaepSha1 from "../vectors/rsa-oaep-sha1-wycheproof.json";
import oaepSha256 from "../vectors/rsa-oaep-sha256-wycheproof.json";
import pkcs1 from "../vectors/rsa-pkcs1-decrypt-wycheproof.json";
import {
  RsaEncryptionKey,
  rsaMaxPlaintextBytes,
  type RsaPrivateJwk,
} from "../../core/crypto/encrypt/rsa-encryption.ts";
import type { RsaEncryptionAlgorithm } from "../../core/crypto/encrypt/encryption-algorithms.ts";
import { expectDecryptionFailed, num, str, vectorCases, vectorFile, type VectorCase } from "../support/encrypt-vectors.ts";
import { hex, toHex } from "../support/bytes.ts";
import { badParameterAsync as expectBadParameter } from "../support/bad-parameter.ts";

function privateJwkOf(json: unknown): RsaPrivateJwk {
  const jwk = vectorFile(json).privateKeyJwk;
  if (typeof jwk !== "object" || jwk === null) throw new Error("vector file without privateKeyJwk");
  const record = jwk as VectorCase;
  return { n: str(record, "n"), e: str(record, "e"), d: str(record, "d"), p: str(record, "p"), q: str(record, "q"), dp: str(record, "dp"), dq: str(record, "dq"), qi: str(record, "qi") };
}

const FILES: ReadonlyArray<readonly [RsaEncryptionAlgorithm, unknown, string]> = [
  ["RSA-OAEP", oaepSha1, "sha1"],
  ["RSA-OAEP-256", oaepSha256, "sha256"],
  ["RSA1_5", pkcs1, ""],
];

describe.each(FILES)("%s, Wycheproof", (alg, file) => {
  const key = RsaEncryptionKey.fromPrivateJwk(privateJwkOf(file));
  const cases = vectorCases(file);
  const valid = cases.filter((t) => str(t, "result") === "valid");
  const refused = cases.filter((t) => str(t, "result") !== "valid");

  it("uses a good spread of the file", () => {
    expect(key.modulusBytes).toBe(256);
    expect(valid.length).toBeGreaterThanOrEqual(4);
    expect(refused.length).toBeGreaterThanOrEqual(10);
  });

  it.each(valid.map((t) => [num(t, "tcId"), t] as const))("tcId %i decrypts", async (_id, t) => {
    expect(toHex(await key.decrypt(alg, hex(str(t, "ct"))))).toBe(str(t, "msg"));
  });

  it.each(refused.map((t) => [num(t, "tcId"), str(t, "comment"), t] as const))("tcId %i (%s) is the generic failure", async (_id, _c, t) => {
    await expectDecryptionFailed(() => key.decrypt(alg, hex(str(t, "ct"))));
  });
});

describe("RSA cross-algorithm and key mix-ups are the same generic failure", () => {
  const sha1Key = RsaEncryptionKey.fromPrivateJwk(privateJwkOf(oaepSha1));
  const pkcs1Key = RsaEncryptionKey.fromPrivateJwk(privateJwkOf(pkcs1));
  const sha1Case = vectorCases(oaepSha1).find((t) => str(t, "result") === "valid");

  it("a valid RSA-OAEP ciphertext read as RSA-OAEP-256 or RSA1_5, or under another key", async () => {
    if (sha1Case === undefined) throw new Error("no valid case");
    const ct = hex(str(sha1Case, "ct"));
    await expectDecryptionFailed(() => sha1Key.decrypt("RSA-OAEP-256", ct));
    await expectDecryptionFailed(() => sha1Key.decrypt("RSA1_5", ct));
    await expectDecryptionFailed(() => pkcs1Key.decrypt("RSA-OAEP", ct));
  });
});

describe("RSA encryption", () => {
  const jwk = privateJwkOf(oaepSha256);
  // The checker parses the same JWK itself, into PEM (workerd refuses a KeyObject inside options).
  const nodePrivate = String(createPrivateKey({ key: { kty: "RSA", ...jwk }, format: "jwk" }).export({ type: "pkcs8", format: "pem" }));
  const nodePublic = String(createPublicKey({ key: { kty: "RSA", n: jwk.n, e: jwk.e }, format: "jwk" }).export({ type: "spki", format: "pem" }));
  const privateKey = RsaEncryptionKey.fromPrivateJwk(jwk);
  const publicKey = RsaEncryptionKey.fromPublicJwk(jwk);

  it.each([
    ["RSA-OAEP", 214],
    ["RSA-OAEP-256", 190],
    ["RSA1_5", 245],
  ] as const)("%s takes at most %i bytes with a 2048-bit key (RFC 8017 7.1.1, 7.2.1)", async (alg, max) => {
    expect(rsaMaxPlaintextBytes(alg, 256)).toBe(max);
    const ct = await publicKey.encrypt(alg, new Uint8Array(max).fill(0x5a));
    expect(ct.length).toBe(256);
    expect(toHex(await privateKey.decrypt(alg, ct))).toBe("5a".repeat(max));
    await expectBadParameter(() => publicKey.encrypt(alg, new Uint8Array(max + 1)));
  });

  it("is randomised, and a public-only key cannot decrypt", async () => {
    const a = await publicKey.encrypt("RSA-OAEP-256", new Uint8Array([1]));
    const b = await publicKey.encrypt("RSA-OAEP-256", new Uint8Array([1]));
    expect(toHex(a)).not.toBe(toHex(b));
    expect(publicKey.hasPrivateKey).toBe(false);
    await expectBadParameter(() => publicKey.decrypt("RSA-OAEP-256", a));
  });

  it("refuses a JWK that does not parse", async () => {
    await expectBadParameter(() => RsaEncryptionKey.fromPublicJwk({ n: "not base64url!", e: "AQAB" }));
    await expectBadParameter(() => RsaEncryptionKey.fromPrivateJwk({ ...jwk, qi: "" }));
    await expectBadParameter(() => RsaEncryptionKey.fromPrivateJwk({ ...jwk, dq: "A+B" }));
  });

  it.each([
    ["RSA-OAEP", "sha1"],
    ["RSA-OAEP-256", "sha256"],
  ] as const)("%s independent check: node:crypto opens the module's ciphertext and the module opens node's", async (alg, oaepHash) => {
    for (const length of [0, 1, 32, rsaMaxPlaintextBytes(alg, 256)]) {
      const plaintext = crypto.getRandomValues(new Uint8Array(length));
      const ours = await publicKey.encrypt(alg, plaintext);
      const opened = privateDecrypt({ key: nodePrivate, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash }, ours);
      expect(toHex(new Uint8Array(opened))).toBe(toHex(plaintext));
      const theirs = publicEncrypt({ key: nodePublic, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash }, plaintext);
      expect(toHex(await privateKey.decrypt(alg, new Uint8Array(theirs)))).toBe(toHex(plaintext));
    }
  });

  it("RSA1_5 output parses as EM = 00 02 PS(>= 8 non-zero) 00 M under raw RSA", async () => {
    for (const length of [0, 1, 100, 245]) {
      const plaintext = crypto.getRandomValues(new Uint8Array(length));
      const ct = await publicKey.encrypt("RSA1_5", plaintext);
      const em = new Uint8Array(privateDecrypt({ key: nodePrivate, padding: constants.RSA_NO_PADDING }, ct));
      expect(em.length).toBe(256);
      expect([em[0], em[1]]).toEqual([0, 2]);
      const separator = em.indexOf(0, 2);
      expect(separator).toBeGreaterThanOrEqual(10);
      expect(toHex(em.slice(separator + 1))).toBe(toHex(plaintext));
    }
  });

  it("works with a freshly generated 3072-bit key (exported by WebCrypto as JWK)", async () => {
    const pair = (await crypto.subtle.generateKey(
      { name: "RSA-OAEP", modulusLength: 3072, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
      true,
      ["encrypt", "decrypt"],
    )) as CryptoKeyPair;
    const exported = (await crypto.subtle.exportKey("jwk", pair.privateKey)) as JsonWebKey;
    const key = RsaEncryptionKey.fromPrivateJwk({
      n: String(exported.n), e: String(exported.e), d: String(exported.d), p: String(exported.p),
      q: String(exported.q), dp: String(exported.dp), dq: String(exported.dq), qi: String(exported.qi),
    });
    expect(key.modulusBytes).toBe(384);
    for (const alg of ["RSA-OAEP", "RSA-OAEP-256", "RSA1_5"] as const) {
      const ct = await key.encrypt(alg, new Uint8Array([7, 7, 7]));
      expect(toHex(await key.decrypt(alg, ct))).toBe("070707");
      await expectDecryptionFailed(() => key.decrypt(alg, ct.slice(1)));
    }
  });
});
