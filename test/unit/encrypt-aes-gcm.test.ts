/**
 * AES-GCM (A128GCM/A192GCM/A256GCM) against Wycheproof, plus an independent check: what the module
 * makes with WebCrypto is opened with node:crypto's `aes-N-gcm` decipher, and the other way round.
 */
import { createCipheriv, createDecipheriv, type CipherGCMTypes } from "node:crypto";
import { describe, expect, it } from "vitest";
import gcmVectors from "../vectors/aes-gcm-wycheproof.json";
import { prepareAesKey } from "../../core/crypto/encrypt/aes-key.ts";
import { aesGcmDecrypt, aesGcmEncrypt, type AesGcmAlgorithm } from "../../core/crypto/encrypt/aes-gcm.ts";
import {
  expectDecryptionFailed,
  fixedRandom,
  num,
  str,
  vectorCases,
} from "../support/encrypt-vectors.ts";
import { hex, toHex } from "../support/bytes.ts";
import { badParameterAsync as expectBadParameter } from "../support/bad-parameter.ts";

const algFor = (keyBytes: number): AesGcmAlgorithm => `A${keyBytes * 8}GCM` as AesGcmAlgorithm;
const cases = vectorCases(gcmVectors);
const valid = cases.filter((t) => str(t, "result") === "valid");
const invalid = cases.filter((t) => str(t, "result") === "invalid");
const optionalAad = (text: string): Uint8Array | undefined => (text === "" ? undefined : hex(text));

describe("AES-GCM, Wycheproof aes_gcm_test.json", () => {
  it("uses a good spread of the file", () => {
    expect(valid.length).toBeGreaterThanOrEqual(15);
    expect(invalid.length).toBeGreaterThanOrEqual(12);
    expect(new Set(cases.map((t) => hex(str(t, "key")).length))).toEqual(new Set([16, 24, 32]));
  });

  it.each(valid.map((t) => [num(t, "tcId"), t] as const))("tcId %i encrypts to ct + tag and decrypts back", async (_id, t) => {
    const key = prepareAesKey(hex(str(t, "key")));
    const alg = algFor(key.bytes.length);
    const sealed = await aesGcmEncrypt(alg, key, hex(str(t, "msg")), optionalAad(str(t, "aad")), fixedRandom(hex(str(t, "iv"))));
    expect(toHex(sealed.ciphertext)).toBe(str(t, "ct"));
    expect(toHex(sealed.tag)).toBe(str(t, "tag"));
    expect(toHex(sealed.iv)).toBe(str(t, "iv"));
    const opened = await aesGcmDecrypt(alg, key, {
      ciphertext: hex(str(t, "ct")),
      iv: hex(str(t, "iv")),
      tag: hex(str(t, "tag")),
      aad: optionalAad(str(t, "aad")),
    });
    expect(toHex(opened)).toBe(str(t, "msg"));
  });

  it.each(invalid.map((t) => [num(t, "tcId"), str(t, "comment"), t] as const))("tcId %i (%s) is the generic failure", async (_id, _c, t) => {
    const key = prepareAesKey(hex(str(t, "key")));
    await expectDecryptionFailed(() =>
      aesGcmDecrypt(algFor(key.bytes.length), key, { ciphertext: hex(str(t, "ct")), iv: hex(str(t, "iv")), tag: hex(str(t, "tag")) }),
    );
  });
});

describe("AES-GCM request rules", () => {
  const key = prepareAesKey(new Uint8Array(32).fill(7));

  it("makes a fresh 12-byte IV and a 16-byte tag each time", async () => {
    const a = await aesGcmEncrypt("A256GCM", key, new Uint8Array(5));
    const b = await aesGcmEncrypt("A256GCM", key, new Uint8Array(5));
    expect(a.iv.length).toBe(12);
    expect(a.tag.length).toBe(16);
    expect(toHex(a.iv)).not.toBe(toHex(b.iv));
  });

  it("refuses a missing or mis-sized iv or tag as BadParameter, not as a decryption failure", async () => {
    const sealed = await aesGcmEncrypt("A256GCM", key, new Uint8Array(5));
    const ciphertext = sealed.ciphertext;
    await expectBadParameter(() => aesGcmDecrypt("A256GCM", key, { ciphertext, iv: undefined, tag: sealed.tag }));
    await expectBadParameter(() => aesGcmDecrypt("A256GCM", key, { ciphertext, iv: new Uint8Array(16), tag: sealed.tag }));
    await expectBadParameter(() => aesGcmDecrypt("A256GCM", key, { ciphertext, iv: sealed.iv, tag: undefined }));
    await expectBadParameter(() => aesGcmDecrypt("A256GCM", key, { ciphertext, iv: sealed.iv, tag: sealed.tag.slice(0, 12) }));
  });

  it("refuses a key of the wrong size for the algorithm", async () => {
    await expectBadParameter(() => aesGcmEncrypt("A128GCM", key, new Uint8Array(1)));
  });

  it("binds the AAD, the IV and the key", async () => {
    const aad = new Uint8Array([1, 2, 3]);
    const sealed = await aesGcmEncrypt("A256GCM", key, new Uint8Array([9, 9]), aad);
    const open = { ciphertext: sealed.ciphertext, iv: sealed.iv, tag: sealed.tag };
    await expectDecryptionFailed(() => aesGcmDecrypt("A256GCM", key, open));
    await expectDecryptionFailed(() => aesGcmDecrypt("A256GCM", key, { ...open, aad: new Uint8Array([1, 2, 4]) }));
    await expectDecryptionFailed(() => aesGcmDecrypt("A256GCM", key, { ...open, aad, iv: new Uint8Array(12) }));
    const other = prepareAesKey(new Uint8Array(32).fill(8));
    await expectDecryptionFailed(() => aesGcmDecrypt("A256GCM", other, { ...open, aad }));
    expect(toHex(await aesGcmDecrypt("A256GCM", key, { ...open, aad }))).toBe("0909");
  });
});

describe("AES-GCM independent check (module: WebCrypto; checker: node:crypto aes-N-gcm)", () => {
  it.each([16, 24, 32])("%i-byte keys: node opens what the module seals, and the module opens what node seals", async (size) => {
    const raw = crypto.getRandomValues(new Uint8Array(size));
    const key = prepareAesKey(raw);
    const alg = algFor(size);
    for (const length of [0, 1, 15, 16, 17, 100]) {
      const plaintext = crypto.getRandomValues(new Uint8Array(length));
      const aad = crypto.getRandomValues(new Uint8Array(length % 7));
      const sealed = await aesGcmEncrypt(alg, key, plaintext, aad);
      const decipher = createDecipheriv(`aes-${size * 8}-gcm` as CipherGCMTypes, raw, sealed.iv);
      // workerd's node:crypto decipher refuses setAAD with an empty buffer ("Failed to set AAD"); Node accepts it.
      if (aad.length > 0) decipher.setAAD(aad);
      decipher.setAuthTag(sealed.tag);
      // workerd quirk too: decipher.update() with zero bytes makes the later final() fail authentication.
      const head = sealed.ciphertext.length > 0 ? [...decipher.update(sealed.ciphertext)] : [];
      const nodePlain = new Uint8Array([...head, ...decipher.final()]);
      expect(toHex(nodePlain)).toBe(toHex(plaintext));

      const iv = crypto.getRandomValues(new Uint8Array(12));
      const cipher = createCipheriv(`aes-${size * 8}-gcm` as CipherGCMTypes, raw, iv);
      if (aad.length > 0) cipher.setAAD(aad);
      const ciphertext = new Uint8Array([...(plaintext.length > 0 ? cipher.update(plaintext) : []), ...cipher.final()]);
      const opened = await aesGcmDecrypt(alg, key, { ciphertext, iv, tag: new Uint8Array(cipher.getAuthTag()), aad });
      expect(toHex(opened)).toBe(toHex(plaintext));
    }
  });
});
