import { describe, expect, it } from "vitest";
import {
  base64ToBytes,
  base64UrlToBytes,
  bytesToBase64,
  bytesToBase64Url,
  concatBytes,
  decodeBase64,
  isWellFormedText,
  timingSafeEqual,
  utf8,
  utf8ByteLength,
} from "../../core/crypto/bytes.ts";

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

describe("decodeBase64 (the strict decoder every client input goes through)", () => {
  it("decodes RFC 4648 section 10 vectors padded and unpadded, in both alphabets", () => {
    for (const [plain, encoded] of [["f", "Zg=="], ["fo", "Zm8="], ["foo", "Zm9v"], ["foob", "Zm9vYg=="], ["foobar", "Zm9vYmFy"]] as const) {
      for (const text of [encoded, encoded.replace(/=+$/, "")]) {
        expect(new TextDecoder().decode(decodeBase64(text) ?? undefined)).toBe(plain);
        expect(new TextDecoder().decode(decodeBase64(text, { url: true }) ?? undefined)).toBe(plain);
      }
    }
    expect([...(decodeBase64("+/8=") ?? [])]).toStrictEqual([0xfb, 0xff]);
    expect([...(decodeBase64("-_8", { url: true }) ?? [])]).toStrictEqual([0xfb, 0xff]);
    expect(decodeBase64("")?.length).toBe(0);
  });

  it.each(["a", "abcde", "%%%%", "Zg=", "Zg===", "Z===", "=", "==", "Zm9v=", "Zg==Zg==", "Zm 9v", "Zm9v\n", "-_8=", "Zg=a"])(
    "refuses %j (alphabet, length 1 mod 4, padding) without throwing",
    (text) => {
      expect(decodeBase64(text)).toBeNull();
    },
  );

  it("keeps the alphabets apart, can forbid padding and can require canonical trailing bits", () => {
    expect(decodeBase64("+/8", { url: true })).toBeNull();
    expect(decodeBase64("Zg==", { url: true, padding: "forbidden" })).toBeNull();
    expect(decodeBase64("Zh", { canonical: true })).toBeNull();
    expect(decodeBase64("Zh")).not.toBeNull();
    expect(decodeBase64("Zm8=", { canonical: true })).not.toBeNull();
    expect(decodeBase64("Zm9=", { canonical: true })).toBeNull();
    expect(decodeBase64("Zm\u00e99v")).toBeNull();
  });

  it("agrees with an independent grammar and Node's decoder on 5,000 random strings", () => {
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_ %";
    const grammar = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$/;
    const random = crypto.getRandomValues(new Uint8Array(5_000 * 13));
    for (let n = 0; n < 5_000; n++) {
      const length = (random[n * 13] ?? 0) % 13;
      const chars = Array.from(random.subarray(n * 13 + 1, n * 13 + 1 + length), (b) => alphabet[b % (b & 1 ? 64 : alphabet.length)]);
      const text = chars.join("");
      const decoded = decodeBase64(text);
      expect(decoded !== null, text).toBe(grammar.test(text));
      if (decoded !== null) expect(Buffer.from(decoded).equals(Buffer.from(text, "base64")), text).toBe(true);
    }
  });
});

describe("utf8ByteLength and isWellFormedText", () => {
  it("counts UTF-8 octets, not characters or UTF-16 units", () => {
    expect(utf8ByteLength("abc")).toBe(3);
    expect(utf8ByteLength("\u00e9")).toBe(2);
    expect(utf8ByteLength("\u20ac".repeat(25_600))).toBe(76_800);
    expect(utf8ByteLength("\u{1F600}")).toBe(4);
    expect(utf8ByteLength("\uD800")).toBe(3);
  });

  it("is false exactly for strings with an unpaired surrogate", () => {
    expect(isWellFormedText("a\u{1F600}b")).toBe(true);
    for (const bad of ["\uD800", "a\uDC00", "\uDBFF\uDBFF\uDC00", "\uDC00\uD800"]) expect(isWellFormedText(bad), JSON.stringify(bad)).toBe(false);
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
