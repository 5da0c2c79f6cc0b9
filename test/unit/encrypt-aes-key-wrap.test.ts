/**
 * AES key wrap: A*KW / CKM_AES_KEY_WRAP (RFC 3394 via WebCrypto AES-KW) against RFC 3394 §4 and
 * Wycheproof aes_wrap_test.json; CKM_AES_KEY_WRAP_PAD (RFC 5649, own rounds over node:crypto
 * aes-N-ecb) against RFC 5649 §6 and Wycheproof aes_kwp_test.json.
 */
import { describe, expect, it } from "vitest";
import kwRfc from "../vectors/aes-kw-rfc3394.json";
import kwpRfc from "../vectors/aes-kwp-rfc5649.json";
import kwWycheproof from "../vectors/aes-kw-wycheproof.json";
import kwpWycheproof from "../vectors/aes-kwp-wycheproof.json";
import { prepareAesKey } from "../../core/crypto/encrypt/aes-key.ts";
import { aesKeyUnwrap, aesKeyWrap, type AesKeyWrapAlgorithm } from "../../core/crypto/encrypt/aes-key-wrap.ts";
import { expectDecryptionFailed, num, str, vectorCases } from "../support/encrypt-vectors.ts";
import { hex, toHex } from "../support/bytes.ts";
import { badParameterAsync as expectBadParameter } from "../support/bad-parameter.ts";

const kwAlg = (keyBytes: number): AesKeyWrapAlgorithm => `A${keyBytes * 8}KW` as AesKeyWrapAlgorithm;

describe("RFC 3394 section 4 examples", () => {
  it.each(vectorCases(kwRfc).map((t) => [str(t, "section"), t] as const))("section %s via A*KW and CKM_AES_KEY_WRAP", async (_s, t) => {
    const key = prepareAesKey(hex(str(t, "kek")));
    for (const alg of [kwAlg(key.bytes.length), "CKM_AES_KEY_WRAP"] as const) {
      expect(toHex(await aesKeyWrap(alg, key, hex(str(t, "key"))))).toBe(str(t, "wrapped"));
      expect(toHex(await aesKeyUnwrap(alg, key, hex(str(t, "wrapped"))))).toBe(str(t, "key"));
    }
  });
});

describe("RFC 5649 section 6 examples", () => {
  it.each(vectorCases(kwpRfc).map((t) => [str(t, "example"), t] as const))("%s", async (_e, t) => {
    const key = prepareAesKey(hex(str(t, "kek")));
    expect(toHex(await aesKeyWrap("CKM_AES_KEY_WRAP_PAD", key, hex(str(t, "key"))))).toBe(str(t, "wrapped"));
    expect(toHex(await aesKeyUnwrap("CKM_AES_KEY_WRAP_PAD", key, hex(str(t, "wrapped"))))).toBe(str(t, "key"));
  });
});

describe("KW, Wycheproof aes_wrap_test.json", () => {
  const cases = vectorCases(kwWycheproof);
  const valid = cases.filter((t) => str(t, "result") === "valid");
  const refused = cases.filter((t) => str(t, "result") !== "valid");

  it.each(valid.map((t) => [num(t, "tcId"), t] as const))("tcId %i wraps and unwraps", async (_id, t) => {
    const key = prepareAesKey(hex(str(t, "key")));
    expect(toHex(await aesKeyWrap(kwAlg(key.bytes.length), key, hex(str(t, "msg"))))).toBe(str(t, "ct"));
    expect(toHex(await aesKeyUnwrap("CKM_AES_KEY_WRAP", key, hex(str(t, "ct"))))).toBe(str(t, "msg"));
  });

  // "acceptable" tcId 12 (an 8-byte key, wrapped as one AES block per RFC 3394 §2) is refused too:
  // SP 800-38F §6.2 needs two semiblocks, and so does WebCrypto AES-KW.
  it.each(refused.map((t) => [num(t, "tcId"), str(t, "comment"), t] as const))("tcId %i (%s) is refused", async (_id, _c, t) => {
    const key = prepareAesKey(hex(str(t, "key")));
    if (str(t, "ct") !== "") await expectDecryptionFailed(() => aesKeyUnwrap(kwAlg(key.bytes.length), key, hex(str(t, "ct"))));
    if (str(t, "msg").length % 16 !== 0 || str(t, "msg").length < 32) {
      await expectBadParameter(() => aesKeyWrap(kwAlg(key.bytes.length), key, hex(str(t, "msg"))));
    }
  });
});

describe("KWP, Wycheproof aes_kwp_test.json", () => {
  const cases = vectorCases(kwpWycheproof);
  const valid = cases.filter((t) => str(t, "result") === "valid");
  const invalid = cases.filter((t) => str(t, "result") === "invalid");

  it("uses a good spread of the file", () => {
    expect(valid.length).toBeGreaterThanOrEqual(12);
    expect(invalid.length).toBeGreaterThanOrEqual(18);
    expect(new Set(valid.map((t) => hex(str(t, "key")).length))).toEqual(new Set([16, 24, 32]));
  });

  it.each(valid.map((t) => [num(t, "tcId"), t] as const))("tcId %i wraps and unwraps", async (_id, t) => {
    const key = prepareAesKey(hex(str(t, "key")));
    expect(toHex(await aesKeyWrap("CKM_AES_KEY_WRAP_PAD", key, hex(str(t, "msg"))))).toBe(str(t, "ct"));
    expect(toHex(await aesKeyUnwrap("CKM_AES_KEY_WRAP_PAD", key, hex(str(t, "ct"))))).toBe(str(t, "msg"));
  });

  it.each(invalid.map((t) => [num(t, "tcId"), str(t, "comment"), t] as const))("tcId %i (%s) is the generic failure", async (_id, _c, t) => {
    const key = prepareAesKey(hex(str(t, "key")));
    await expectDecryptionFailed(() => aesKeyUnwrap("CKM_AES_KEY_WRAP_PAD", key, hex(str(t, "ct"))));
  });
});

describe("key wrap request rules", () => {
  const key128 = prepareAesKey(new Uint8Array(16).fill(1));
  const key256 = prepareAesKey(new Uint8Array(32).fill(2));

  it("A*KW needs the matching key size; CKM_* take any AES key", async () => {
    await expectBadParameter(() => aesKeyWrap("A256KW", key128, new Uint8Array(16)));
    await expectBadParameter(() => aesKeyUnwrap("A128KW", key256, new Uint8Array(24)));
    expect((await aesKeyWrap("CKM_AES_KEY_WRAP", key256, new Uint8Array(16))).length).toBe(24);
  });

  it("refuses keys to wrap that KW cannot carry, and an empty one for KWP", async () => {
    await expectBadParameter(() => aesKeyWrap("A128KW", key128, new Uint8Array(8)));
    await expectBadParameter(() => aesKeyWrap("A128KW", key128, new Uint8Array(17)));
    await expectBadParameter(() => aesKeyWrap("CKM_AES_KEY_WRAP_PAD", key128, new Uint8Array(0)));
  });

  it("KWP round-trips every length across the one-block / rounds boundary, and a wrong KEK fails", async () => {
    for (let length = 1; length <= 41; length++) {
      const secret = crypto.getRandomValues(new Uint8Array(length));
      const wrapped = await aesKeyWrap("CKM_AES_KEY_WRAP_PAD", key256, secret);
      expect(wrapped.length).toBe(Math.ceil(length / 8) * 8 + 8);
      expect(toHex(await aesKeyUnwrap("CKM_AES_KEY_WRAP_PAD", key256, wrapped))).toBe(toHex(secret));
      await expectDecryptionFailed(() => aesKeyUnwrap("CKM_AES_KEY_WRAP_PAD", prepareAesKey(new Uint8Array(32)), wrapped));
    }
  });

  it("a flipped bit anywhere in a KW or KWP ciphertext is the generic failure", async () => {
    const secret = crypto.getRandomValues(new Uint8Array(32));
    for (const alg of ["A256KW", "CKM_AES_KEY_WRAP_PAD"] as const) {
      const wrapped = await aesKeyWrap(alg, key256, secret);
      for (let i = 0; i < wrapped.length; i += 5) {
        const tampered = new Uint8Array(wrapped);
        tampered[i] = (tampered[i] ?? 0) ^ 0x80;
        await expectDecryptionFailed(() => aesKeyUnwrap(alg, key256, tampered));
      }
    }
  });
});
