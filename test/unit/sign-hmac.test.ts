import { describe, expect, it } from "vitest";
import { hmac } from "@noble/hashes/hmac.js";
import { sha256, sha384, sha512 } from "@noble/hashes/sha2.js";
import type { CHash } from "@noble/hashes/utils.js";
import { hmacSignDigest, hmacVerifyDigest, prepareHmacKey } from "../../core/crypto/sign/hmac-signature.ts";
import { SIGNATURE_ALGORITHMS, type HashName, type HmacSignatureAlgorithm } from "../../core/crypto/sign/signature-algorithms.ts";
import { VaultError } from "../../core/errors/vault-error.ts";
import wycheproof from "../vectors/wycheproof-hmac-sha256.json";

const fromHex = (h: string): Uint8Array<ArrayBuffer> => Uint8Array.from(h.match(/../g) ?? [], (b) => parseInt(b, 16));
const b64u = (bytes: Uint8Array): string =>
  btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const utf8 = (s: string): Uint8Array<ArrayBuffer> => new TextEncoder().encode(s) as Uint8Array<ArrayBuffer>;
const HASH: Record<HashName, CHash> = { "SHA-256": sha256, "SHA-384": sha384, "SHA-512": sha512 };
const digestOf = (hash: HashName, m: Uint8Array): Uint8Array<ArrayBuffer> => new Uint8Array(HASH[hash](m));
const flip = (bytes: Uint8Array, index: number): Uint8Array<ArrayBuffer> => {
  const out = new Uint8Array(bytes);
  out[index] = (out[index] ?? 0) ^ 0x01;
  return out;
};

async function expectBadParameter(fn: () => Promise<unknown>): Promise<void> {
  let error: unknown;
  try {
    await fn();
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(VaultError);
  expect((error as VaultError).code).toBe("BadParameter");
}

const ALGS: readonly HmacSignatureAlgorithm[] = ["HS256", "HS384", "HS512"];

describe("Wycheproof hmac_sha256 (HS256 over a 32-byte input)", () => {
  it.each(wycheproof.tests)("tcId $tcId -> $result", async (t) => {
    const key = await prepareHmacKey({ k: b64u(fromHex(t.key)) });
    const tag = fromHex(t.tag);
    expect(await hmacSignDigest("HS256", key, fromHex(t.msg))).toStrictEqual(tag);
    expect(await hmacVerifyDigest("HS256", key, fromHex(t.msg), tag)).toBe(t.result === "valid");
    for (const i of [0, 15, 31]) expect(await hmacVerifyDigest("HS256", key, fromHex(t.msg), flip(tag, i))).toBe(false);
  });
});

describe("HS256/384/512 against an independent HMAC (@noble/hashes)", () => {
  // Azure's HS* MACs SHA-x(data), the digest the SDK sends (see signature-algorithms.ts).
  it.each(ALGS)("%s: HMAC-SHA-x(key, SHA-x(data)), verifiable, key sizes 128-512 bits", async (alg) => {
    const hash = SIGNATURE_ALGORITHMS[alg].hash;
    for (const size of [16, 24, 32, 64]) {
      const raw = crypto.getRandomValues(new Uint8Array(size));
      const key = await prepareHmacKey({ k: b64u(raw) });
      const digest = digestOf(hash, utf8(`data ${size}`));
      const tag = await hmacSignDigest(alg, key, digest);
      expect(tag).toStrictEqual(hmac(HASH[hash], raw, digest));
      expect(await hmacVerifyDigest(alg, key, digest, new Uint8Array(tag))).toBe(true);
      expect(await hmacVerifyDigest(alg, key, digestOf(hash, utf8("other")), new Uint8Array(tag))).toBe(false);
    }
  });

  it("one prepared key serves all three hashes, and a tag for one hash fails under another", async () => {
    const key = await prepareHmacKey({ k: b64u(crypto.getRandomValues(new Uint8Array(32))) });
    const tag256 = new Uint8Array(await hmacSignDigest("HS256", key, digestOf("SHA-256", utf8("m"))));
    expect(await hmacVerifyDigest("HS256", key, digestOf("SHA-256", utf8("m")), tag256)).toBe(true);
    expect(await hmacVerifyDigest("HS384", key, digestOf("SHA-384", utf8("m")), tag256)).toBe(false);
  });
});

describe("input checks", () => {
  it("wrong digest length: BadParameter to sign, false to verify; wrong tag length: false", async () => {
    const key = await prepareHmacKey({ k: b64u(new Uint8Array(32).fill(9)) });
    for (const alg of ALGS) {
      const good = SIGNATURE_ALGORITHMS[alg].digestLength;
      const tag = new Uint8Array(await hmacSignDigest(alg, key, new Uint8Array(good)));
      for (const length of [0, 20, good - 1, good + 1]) {
        await expectBadParameter(() => hmacSignDigest(alg, key, new Uint8Array(length)));
        expect(await hmacVerifyDigest(alg, key, new Uint8Array(length), tag)).toBe(false);
      }
      for (const bad of [new Uint8Array(0), tag.subarray(0, 16), new Uint8Array([...tag, 0]), new Uint8Array(good)]) {
        expect(await hmacVerifyDigest(alg, key, new Uint8Array(good), new Uint8Array(bad))).toBe(false);
      }
    }
  });

  it("refuses an empty or malformed key", async () => {
    await expectBadParameter(() => prepareHmacKey({ k: "" }));
    await expectBadParameter(() => prepareHmacKey({ k: "not+base64url" }));
  });
});
