/**
 * AES-CBC: A*CBCPAD against Wycheproof aes_cbc_pkcs5_test.json, A*CBC (no padding) against NIST
 * SP 800-38A F.2, Azure's zero fill, and the PKCS#7 check. Independent check: the module runs on
 * node:crypto; WebCrypto's AES-CBC (which always uses PKCS#7) must agree with A*CBCPAD both ways.
 */
import { describe, expect, it } from "vitest";
import cbcVectors from "../vectors/aes-cbc-pkcs5-wycheproof.json";
import sp80038a from "../vectors/aes-cbc-sp800-38a.json";
import { prepareAesKey } from "../../core/crypto/encrypt/aes-key.ts";
import {
  aesCbcDecrypt,
  aesCbcEncrypt,
  pkcs7Pad,
  pkcs7UnpaddedLength,
  type AesCbcAlgorithm,
} from "../../core/crypto/encrypt/aes-cbc.ts";
import {
  expectDecryptionFailed,
  fixedRandom,
  num,
  str,
  vectorCases,
  vectorFile,
} from "../support/encrypt-vectors.ts";
import { hex, toHex } from "../support/bytes.ts";
import { badParameterAsync as expectBadParameter } from "../support/bad-parameter.ts";

const padAlg = (keyBytes: number): AesCbcAlgorithm => `A${keyBytes * 8}CBCPAD` as AesCbcAlgorithm;
const rawAlg = (keyBytes: number): AesCbcAlgorithm => `A${keyBytes * 8}CBC` as AesCbcAlgorithm;
const cases = vectorCases(cbcVectors);
const valid = cases.filter((t) => str(t, "result") === "valid");
const invalid = cases.filter((t) => str(t, "result") === "invalid");

describe("A*CBCPAD, Wycheproof aes_cbc_pkcs5_test.json", () => {
  it("uses a good spread of the file", () => {
    expect(valid.length).toBeGreaterThanOrEqual(15);
    expect(invalid.length).toBeGreaterThanOrEqual(20);
    expect(new Set(cases.map((t) => hex(str(t, "key")).length))).toEqual(new Set([16, 24, 32]));
  });

  it.each(valid.map((t) => [num(t, "tcId"), t] as const))("tcId %i: encrypt with the given iv, and decrypt", (_id, t) => {
    const key = prepareAesKey(hex(str(t, "key")));
    const iv = hex(str(t, "iv"));
    const out = aesCbcEncrypt(padAlg(key.bytes.length), key, hex(str(t, "msg")), iv);
    expect(toHex(out.ciphertext)).toBe(str(t, "ct"));
    expect(toHex(out.iv)).toBe(str(t, "iv"));
    expect(toHex(aesCbcDecrypt(padAlg(key.bytes.length), key, hex(str(t, "ct")), iv))).toBe(str(t, "msg"));
  });

  it.each(invalid.map((t) => [num(t, "tcId"), str(t, "comment"), t] as const))("tcId %i (%s) is the generic failure", async (_id, _c, t) => {
    const key = prepareAesKey(hex(str(t, "key")));
    await expectDecryptionFailed(() => aesCbcDecrypt(padAlg(key.bytes.length), key, hex(str(t, "ct")), hex(str(t, "iv"))));
  });
});

describe("A*CBC (no padding), NIST SP 800-38A F.2", () => {
  const file = vectorFile(sp80038a);
  const iv = hex(str(file, "iv"));
  const plaintext = hex(str(file, "plaintext"));
  it.each(vectorCases(sp80038a).map((t) => [str(t, "section"), t] as const))("%s encrypts and decrypts four blocks", (_s, t) => {
    const key = prepareAesKey(hex(str(t, "key")));
    const alg = rawAlg(key.bytes.length);
    expect(toHex(aesCbcEncrypt(alg, key, plaintext, iv).ciphertext)).toBe(str(t, "ciphertext"));
    expect(toHex(aesCbcDecrypt(alg, key, hex(str(t, "ciphertext")), iv))).toBe(toHex(plaintext));
  });

  it("zero-fills a partial last block the way Azure does, and returns the fill on decrypt", () => {
    const key = prepareAesKey(hex("2b7e151628aed2a6abf7158809cf4f3c"));
    const out = aesCbcEncrypt("A128CBC", key, plaintext.slice(0, 20), iv);
    expect(out.ciphertext.length).toBe(32);
    expect(toHex(out.ciphertext.slice(0, 16))).toBe("7649abac8119b246cee98e9b12e9197d");
    const back = aesCbcDecrypt("A128CBC", key, out.ciphertext, iv);
    expect(toHex(back)).toBe(toHex(plaintext.slice(0, 20)) + "00".repeat(12));
  });

  it("refuses an empty value, and answers a ragged ciphertext with the generic failure", async () => {
    const key = prepareAesKey(new Uint8Array(16));
    await expectBadParameter(() => aesCbcEncrypt("A128CBC", key, new Uint8Array(0)));
    await expectDecryptionFailed(() => aesCbcDecrypt("A128CBC", key, new Uint8Array(20), new Uint8Array(16)));
    await expectDecryptionFailed(() => aesCbcDecrypt("A128CBC", key, new Uint8Array(0), new Uint8Array(16)));
  });
});

describe("CBC request rules", () => {
  const key = prepareAesKey(new Uint8Array(24).fill(3));

  it("makes a random 16-byte iv when none is given, and returns it", () => {
    const a = aesCbcEncrypt("A192CBCPAD", key, new Uint8Array(3));
    const b = aesCbcEncrypt("A192CBCPAD", key, new Uint8Array(3));
    expect(a.iv.length).toBe(16);
    expect(toHex(a.iv)).not.toBe(toHex(b.iv));
    expect(toHex(aesCbcEncrypt("A192CBCPAD", key, new Uint8Array(3), undefined, fixedRandom(a.iv)).ciphertext)).toBe(toHex(a.ciphertext));
  });

  it("refuses a wrong-length or missing iv and a wrong-size key as BadParameter", async () => {
    await expectBadParameter(() => aesCbcEncrypt("A192CBCPAD", key, new Uint8Array(3), new Uint8Array(12)));
    await expectBadParameter(() => aesCbcDecrypt("A192CBCPAD", key, new Uint8Array(16), undefined));
    await expectBadParameter(() => aesCbcDecrypt("A192CBCPAD", key, new Uint8Array(16), new Uint8Array(8)));
    await expectBadParameter(() => aesCbcEncrypt("A256CBCPAD", key, new Uint8Array(3)));
  });
});

describe("PKCS#7 check (RFC 5652 section 6.3)", () => {
  const block = (last: number[]): Uint8Array => {
    const out = new Uint8Array(32).fill(0x41);
    out.set(last, 32 - last.length);
    return out;
  };
  it.each([
    [[1], 31],
    [[2, 2], 30],
    [Array(16).fill(16), 16],
    [[7, 7, 7, 7, 7, 7, 7], 25],
  ])("accepts %j", (tail, length) => expect(pkcs7UnpaddedLength(block(tail))).toBe(length));
  it.each([[[0]], [[17]], [[0xff]], [[1, 2]], [[3, 2, 3]], [[2, 3, 3]], [[15, ...Array(15).fill(16)]]])("refuses %j", (tail) =>
    expect(pkcs7UnpaddedLength(block(tail))).toBe(-1),
  );
  it("pads aligned input with a whole block", () => expect(toHex(pkcs7Pad(new Uint8Array(16)).slice(16))).toBe("10".repeat(16)));
});

describe("CBCPAD independent check (module: node:crypto aes-N-cbc + own padding; checker: WebCrypto AES-CBC)", () => {
  it.each([16, 24, 32])("%i-byte keys agree both ways", async (size) => {
    const raw = crypto.getRandomValues(new Uint8Array(size));
    const key = prepareAesKey(raw);
    const webKey = await crypto.subtle.importKey("raw", raw, "AES-CBC", false, ["encrypt", "decrypt"]);
    for (const length of [0, 1, 15, 16, 17, 64]) {
      const plaintext = crypto.getRandomValues(new Uint8Array(length));
      const ours = aesCbcEncrypt(padAlg(size), key, plaintext);
      const theirs = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-CBC", iv: ours.iv }, webKey, plaintext));
      expect(toHex(ours.ciphertext)).toBe(toHex(theirs));
      const opened = new Uint8Array(await crypto.subtle.decrypt({ name: "AES-CBC", iv: ours.iv }, webKey, ours.ciphertext));
      expect(toHex(opened)).toBe(toHex(plaintext));
      expect(toHex(aesCbcDecrypt(padAlg(size), key, theirs, ours.iv))).toBe(toHex(plaintext));
    }
  });
});
