import { describe, expect, it } from "vitest";
import {
  base64ToBytes,
  base64UrlToBytes,
  bytesToBase64,
  bytesToBase64Url,
  concatBytes,
  timingSafeEqual,
  utf8,
} from "../../durable-objects/crypto/bytes.ts";

const allBytes = Uint8Array.from({ length: 256 }, (_, i) => i);

describe("utf8 and concatBytes", () => {
  it("encodes UTF-8", () => {
    expect([...utf8("a\u00e9\u20ac")]).toStrictEqual([0x61, 0xc3, 0xa9, 0xe2, 0x82, 0xac]);
  });

  it("concatenates in order, including empty parts", () => {
    expect([...concatBytes(new Uint8Array([1, 2]), new Uint8Array(), new Uint8Array([3]))]).toStrictEqual([1, 2, 3]);
    expect(concatBytes().length).toBe(0);
  });
});

describe("base64", () => {
  it("matches RFC 4648 section 10 test vectors", () => {
    const vectors: [string, string][] = [
      ["", ""],
      ["f", "Zg=="],
      ["fo", "Zm8="],
      ["foo", "Zm9v"],
      ["foob", "Zm9vYg=="],
      ["fooba", "Zm9vYmE="],
      ["foobar", "Zm9vYmFy"],
    ];
    for (const [plain, encoded] of vectors) {
      expect(bytesToBase64(utf8(plain))).toBe(encoded);
      expect(new TextDecoder().decode(base64ToBytes(encoded))).toBe(plain);
    }
  });

  it("round-trips every byte value and inputs larger than one encoding chunk", () => {
    expect([...base64ToBytes(bytesToBase64(allBytes))]).toStrictEqual([...allBytes]);
    const large = new Uint8Array(0x8000 * 2 + 123);
    for (let i = 0; i < large.length; i++) large[i] = (i * 31 + 7) & 0xff;
    expect(base64ToBytes(bytesToBase64(large))).toStrictEqual(large);
  });
});

describe("base64url", () => {
  it("uses - and _ and no padding", () => {
    const encoded = bytesToBase64Url(new Uint8Array([0xfb, 0xff, 0xbf, 0x01]));
    expect(encoded).toBe("-_-_AQ");
    expect(bytesToBase64Url(allBytes)).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it("round-trips, with or without padding", () => {
    expect(base64UrlToBytes(bytesToBase64Url(allBytes))).toStrictEqual(allBytes);
    expect([...(base64UrlToBytes("AQ==") ?? [])]).toStrictEqual([1]);
    expect([...(base64UrlToBytes("AQ") ?? [])]).toStrictEqual([1]);
    expect(base64UrlToBytes("")?.length).toBe(0);
  });

  it.each(["+/+/", "ab/c", "a", "abcde", "ab cd", "ab=c", "ab.c"])("refuses %j", (text) => {
    expect(base64UrlToBytes(text)).toBeNull();
  });

  it("refuses non-ASCII input", () => {
    expect(base64UrlToBytes("AQ\u00e9A")).toBeNull();
  });
});

describe("timingSafeEqual", () => {
  it("is true only for identical contents", () => {
    expect(timingSafeEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 3]))).toBe(true);
    expect(timingSafeEqual(new Uint8Array(), new Uint8Array())).toBe(true);
    expect(timingSafeEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 2]))).toBe(false);
    expect(timingSafeEqual(new Uint8Array([0x80, 2, 3]), new Uint8Array([0, 2, 3]))).toBe(false);
  });

  it("is false for different lengths, even with a common prefix", () => {
    expect(timingSafeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2, 0]))).toBe(false);
    expect(timingSafeEqual(new Uint8Array([1, 2, 0]), new Uint8Array([1, 2]))).toBe(false);
  });
});
