/**
 * Encrypt / decrypt (keys.json KeyOperationsParameters) checked against independent implementations
 * inside workerd: WebCrypto for RSA-OAEP(-256) and AES-GCM, node:crypto for RSA1_5 and AES-CBC(PAD),
 * with keys imported from known material. Every decryption failure must answer the one generic
 * body, whatever went wrong (no padding oracle).
 */
import { constants, createCipheriv, createDecipheriv, createPrivateKey, createPublicKey, privateDecrypt, publicEncrypt } from "node:crypto";
import { describe, expect, it } from "vitest";
import { failOnlyOnTrulyUnhandledRejections } from "../support/rejections.ts";
import {
  OCT_KEYS,
  RSA_2048_JWK,
  b64u,
  concat,
  expectKvError,
  expectOk,
  flipped,
  fromB64u,
  importKey,
  keyOp,
  sharedKeyVault,
  octJwk,
  utf8,
  type KeyBundle,
  SLOW_KEYS,
} from "../support/key-api.ts";
import { toHex } from "../support/bytes.ts";

failOnlyOnTrulyUnhandledRejections();

const RSA_PRIVATE_PEM = String(createPrivateKey({ key: RSA_2048_JWK, format: "jwk" }).export({ type: "pkcs8", format: "pem" }));
const RSA_PUBLIC_PEM = String(
  createPublicKey({ key: { kty: "RSA", n: RSA_2048_JWK.n as string, e: RSA_2048_JWK.e as string }, format: "jwk" }).export({ type: "spki", format: "pem" }),
);
const OAEP_HASH: Record<string, "SHA-1" | "SHA-256"> = { "RSA-OAEP": "SHA-1", "RSA-OAEP-256": "SHA-256" };

async function oaepKey(alg: string, usage: "encrypt" | "decrypt"): Promise<CryptoKey> {
  const jwk = usage === "decrypt" ? RSA_2048_JWK : { kty: "RSA", n: RSA_2048_JWK.n, e: RSA_2048_JWK.e };
  return crypto.subtle.importKey("jwk", jwk, { name: "RSA-OAEP", hash: OAEP_HASH[alg] as string }, false, [usage]);
}

/** Decrypts an RSA ciphertext locally with the known private key. */
async function rsaDecryptLocally(alg: string, ciphertext: Uint8Array): Promise<Uint8Array> {
  if (alg === "RSA1_5") return new Uint8Array(privateDecrypt({ key: RSA_PRIVATE_PEM, padding: constants.RSA_PKCS1_PADDING }, ciphertext));
  return new Uint8Array(await crypto.subtle.decrypt({ name: "RSA-OAEP" }, await oaepKey(alg, "decrypt"), new Uint8Array(ciphertext)));
}

async function rsaEncryptLocally(alg: string, plaintext: Uint8Array): Promise<Uint8Array> {
  if (alg === "RSA1_5") return new Uint8Array(publicEncrypt({ key: RSA_PUBLIC_PEM, padding: constants.RSA_PKCS1_PADDING }, plaintext));
  return new Uint8Array(await crypto.subtle.encrypt({ name: "RSA-OAEP" }, await oaepKey(alg, "encrypt"), new Uint8Array(plaintext)));
}

function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = base % modulus;
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
    e >>= 1n;
  }
  return result;
}

const toBigInt = (bytes: Uint8Array): bigint => BigInt(`0x${toHex(bytes) || "0"}`);
function toBytes(value: bigint, length: number): Uint8Array<ArrayBuffer> {
  const hex = value.toString(16).padStart(length * 2, "0");
  return new Uint8Array(Buffer.from(hex, "hex"));
}

/**
 * A well-formed RSA ciphertext whose decryption is 00 02 ‖ 254 non-zero octets: PKCS#1 v1.5 padding
 * with no zero separator, so RSA1_5 decryption must fail — deterministically.
 */
function rsa15CiphertextWithoutSeparator(): Uint8Array<ArrayBuffer> {
  const em = new Uint8Array(256).fill(0x5a);
  em[0] = 0x00;
  em[1] = 0x02;
  const n = toBigInt(fromB64u(RSA_2048_JWK.n));
  const e = toBigInt(fromB64u(RSA_2048_JWK.e));
  return toBytes(modPow(toBigInt(em), e, n), 256);
}

/** rsa (RFC 7517 A.2) and oct128/192/256 (OCT_KEYS), imported once for the file. */
const shared = sharedKeyVault("ed", async ({ kv }) => {
  await importKey(kv, "rsa", RSA_2048_JWK);
  for (const bits of [128, 192, 256] as const) await importKey(kv, `oct${bits}`, octJwk(OCT_KEYS[bits]));
});

describe("RSA encryption (imported RFC 7517 A.2 key)", SLOW_KEYS, () => {
  it("API encrypt -> local decrypt (WebCrypto OAEP, node:crypto PKCS#1) and API decrypt; randomized", async () => {
    const { kv } = shared();
    const imported = expectOk(await kv.json<KeyBundle>("GET", "/keys/rsa"));
    const plaintext = crypto.getRandomValues(new Uint8Array(32));
    for (const alg of ["RSA1_5", "RSA-OAEP", "RSA-OAEP-256"]) {
      const first = expectOk(await keyOp(kv, "rsa", "encrypt", { alg, value: b64u(plaintext) }), alg);
      expect(first.kid).toBe(imported.key.kid);
      for (const member of ["iv", "tag", "aad"]) expect(first, alg).not.toHaveProperty(member);
      const ciphertext = fromB64u(first.value);
      expect(ciphertext.length, alg).toBe(256);
      expect(toHex(await rsaDecryptLocally(alg, ciphertext)), alg).toBe(toHex(plaintext));
      const second = expectOk(await keyOp(kv, "rsa", "encrypt", { alg, value: b64u(plaintext) }), alg);
      expect(second.value, `${alg} must be randomized`).not.toBe(first.value);
      const decrypted = expectOk(await keyOp(kv, "rsa", "decrypt", { alg, value: first.value }), alg);
      expect(decrypted.kid).toBe(imported.key.kid);
      expect(toHex(fromB64u(decrypted.value)), alg).toBe(toHex(plaintext));
    }
  });

  it("local encrypt (WebCrypto OAEP, node:crypto PKCS#1) -> API decrypt", async () => {
    const { kv } = shared();
    for (const alg of ["RSA1_5", "RSA-OAEP", "RSA-OAEP-256"]) {
      const plaintext = utf8(`secret for ${alg}`);
      const ciphertext = await rsaEncryptLocally(alg, plaintext);
      const res = expectOk(await keyOp(kv, "rsa", "decrypt", { alg, value: b64u(ciphertext) }), alg);
      expect(fromB64u(res.value)).toEqual(plaintext);
    }
  });

  it("plaintext limits: k-2hLen-2 for OAEP (214 / 190 bytes), k-11 for RSA1_5 (245); one more -> 400", async () => {
    const { kv } = shared();
    const limits: [string, number][] = [
      ["RSA-OAEP", 214],
      ["RSA-OAEP-256", 190],
      ["RSA1_5", 245],
    ];
    for (const [alg, max] of limits) {
      const fits = await keyOp(kv, "rsa", "encrypt", { alg, value: b64u(new Uint8Array(max).fill(9)) });
      const body = expectOk(fits, `${alg} ${max}`);
      expect((await rsaDecryptLocally(alg, fromB64u(body.value))).length).toBe(max);
      expectKvError(await keyOp(kv, "rsa", "encrypt", { alg, value: b64u(new Uint8Array(max + 1).fill(9)) }), 400, "BadParameter");
    }
  });
});

describe("AES-GCM (imported oct keys)", SLOW_KEYS, () => {
  it("API encrypt: service-made 12-byte iv, 16-byte tag, aad echoed; WebCrypto decrypts it", async () => {
    const { kv } = shared();
    for (const bits of [128, 192, 256] as const) {
      const alg = `A${bits}GCM`;
      const plaintext = utf8(`gcm plaintext ${bits}`);
      const aad = utf8("header");
      const res = expectOk(await keyOp(kv, `oct${bits}`, "encrypt", { alg, value: b64u(plaintext), aad: b64u(aad) }), alg);
      const iv = fromB64u(res.iv);
      const tag = fromB64u(res.tag);
      expect([iv.length, tag.length], alg).toEqual([12, 16]);
      expect(res.aad, alg).toBe(b64u(aad));
      const ciphertext = fromB64u(res.value);
      expect(ciphertext.length).toBe(plaintext.length);
      const key = await crypto.subtle.importKey("raw", OCT_KEYS[bits], "AES-GCM", false, ["decrypt"]);
      const opened = await crypto.subtle.decrypt({ name: "AES-GCM", iv, additionalData: aad, tagLength: 128 }, key, concat(ciphertext, tag));
      expect(new Uint8Array(opened)).toEqual(plaintext);
      // The service decrypts its own output too.
      const back = expectOk(await keyOp(kv, `oct${bits}`, "decrypt", { alg, value: res.value, iv: res.iv, tag: res.tag, aad: res.aad }), alg);
      expect(fromB64u(back.value)).toEqual(plaintext);
      // IVs are fresh for every encryption.
      const again = expectOk(await keyOp(kv, `oct${bits}`, "encrypt", { alg, value: b64u(plaintext), aad: b64u(aad) }), alg);
      expect(again.iv).not.toBe(res.iv);
    }
  });

  it("without aad: no aad in the answer and WebCrypto decrypts with none", async () => {
    const { kv } = shared();
    const plaintext = utf8("no aad");
    const res = expectOk(await keyOp(kv, "oct256", "encrypt", { alg: "A256GCM", value: b64u(plaintext) }));
    expect(res).not.toHaveProperty("aad");
    const key = await crypto.subtle.importKey("raw", OCT_KEYS[256], "AES-GCM", false, ["decrypt"]);
    const opened = await crypto.subtle.decrypt({ name: "AES-GCM", iv: fromB64u(res.iv) }, key, concat(fromB64u(res.value), fromB64u(res.tag)));
    expect(new Uint8Array(opened)).toEqual(plaintext);
  });

  it("WebCrypto encrypt -> API decrypt with iv, tag and aad", async () => {
    const { kv } = shared();
    for (const bits of [128, 192, 256] as const) {
      const alg = `A${bits}GCM`;
      const key = await crypto.subtle.importKey("raw", OCT_KEYS[bits], "AES-GCM", false, ["encrypt"]);
      const iv = crypto.getRandomValues(new Uint8Array(12));
      const aad = utf8(`aad ${bits}`);
      const plaintext = crypto.getRandomValues(new Uint8Array(45));
      const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: aad }, key, plaintext));
      const ciphertext = sealed.slice(0, -16);
      const tag = sealed.slice(-16);
      const res = expectOk(await keyOp(kv, `oct${bits}`, "decrypt", { alg, value: b64u(ciphertext), iv: b64u(iv), tag: b64u(tag), aad: b64u(aad) }), alg);
      expect(fromB64u(res.value)).toEqual(plaintext);
    }
  });

  it("tampered tag, ciphertext or aad, or aad left out -> 400 with the one generic body", async () => {
    const { kv } = shared();
    const aad = utf8("bound");
    const res = expectOk(await keyOp(kv, "oct256", "encrypt", { alg: "A256GCM", value: b64u(utf8("protected text")), aad: b64u(aad) }));
    const good = { alg: "A256GCM", value: res.value, iv: res.iv, tag: res.tag, aad: res.aad };
    const bodies: string[] = [];
    for (const tampered of [
      { ...good, tag: b64u(flipped(fromB64u(res.tag))) },
      { ...good, value: b64u(flipped(fromB64u(res.value))) },
      { ...good, aad: b64u(utf8("Bound")) },
      { alg: good.alg, value: good.value, iv: good.iv, tag: good.tag },
      { ...good, iv: b64u(flipped(fromB64u(res.iv))) },
    ]) {
      const r = await keyOp(kv, "oct256", "decrypt", tampered);
      expectKvError(r, 400, "BadParameter");
      bodies.push(JSON.stringify(r.body));
    }
    expect(new Set(bodies).size, bodies.join("\n")).toBe(1);
  });

  it("a client-chosen iv on encrypt -> 400; missing or mis-sized iv/tag on decrypt -> 400", async () => {
    const { kv } = shared();
    const value = b64u(utf8("x"));
    expectKvError(await keyOp(kv, "oct256", "encrypt", { alg: "A256GCM", value, iv: b64u(new Uint8Array(12)) }), 400, "BadParameter");
    const res = expectOk(await keyOp(kv, "oct256", "encrypt", { alg: "A256GCM", value }));
    expectKvError(await keyOp(kv, "oct256", "decrypt", { alg: "A256GCM", value: res.value, tag: res.tag }), 400, "BadParameter");
    expectKvError(await keyOp(kv, "oct256", "decrypt", { alg: "A256GCM", value: res.value, iv: res.iv }), 400, "BadParameter");
    expectKvError(await keyOp(kv, "oct256", "decrypt", { alg: "A256GCM", value: res.value, iv: b64u(new Uint8Array(16)), tag: res.tag }), 400, "BadParameter");
    expectKvError(await keyOp(kv, "oct256", "decrypt", { alg: "A256GCM", value: res.value, iv: res.iv, tag: b64u(new Uint8Array(8)) }), 400, "BadParameter");
  });
});

describe("AES-CBC and AES-CBCPAD (imported oct keys), checked with node:crypto", SLOW_KEYS, () => {
  it("A*CBC with a caller iv: the value is zero-filled to whole blocks; node decrypts it; the API returns the fill", async () => {
    const { kv } = shared();
    for (const bits of [128, 192, 256] as const) {
      const alg = `A${bits}CBC`;
      const iv = crypto.getRandomValues(new Uint8Array(16));
      const plaintext = utf8("twenty bytes of text");
      expect(plaintext.length).toBe(20);
      const res = expectOk(await keyOp(kv, `oct${bits}`, "encrypt", { alg, value: b64u(plaintext), iv: b64u(iv) }), alg);
      expect(res.iv).toBe(b64u(iv));
      expect(res).not.toHaveProperty("tag");
      const ciphertext = fromB64u(res.value);
      expect(ciphertext.length).toBe(32);
      const decipher = createDecipheriv(`aes-${bits}-cbc`, OCT_KEYS[bits], iv);
      decipher.setAutoPadding(false);
      const local = concat(decipher.update(ciphertext), decipher.final());
      const filled = concat(plaintext, new Uint8Array(12));
      expect(toHex(local), alg).toBe(toHex(filled));
      const back = expectOk(await keyOp(kv, `oct${bits}`, "decrypt", { alg, value: res.value, iv: res.iv }), alg);
      expect(toHex(fromB64u(back.value)), alg).toBe(toHex(filled));
    }
    // A whole number of blocks gets no extra block.
    const iv = new Uint8Array(16).fill(3);
    const aligned = expectOk(await keyOp(kv, "oct256", "encrypt", { alg: "A256CBC", value: b64u(new Uint8Array(32).fill(1)), iv: b64u(iv) }));
    expect(fromB64u(aligned.value).length).toBe(32);
  });

  it("A*CBCPAD: PKCS#7 both ways against node:crypto; no iv -> the service makes and returns one", async () => {
    const { kv } = shared();
    for (const bits of [128, 192, 256] as const) {
      const alg = `A${bits}CBCPAD`;
      const iv = crypto.getRandomValues(new Uint8Array(16));
      for (const length of [20, 32]) {
        const plaintext = crypto.getRandomValues(new Uint8Array(length));
        const res = expectOk(await keyOp(kv, `oct${bits}`, "encrypt", { alg, value: b64u(plaintext), iv: b64u(iv) }), alg);
        const ciphertext = fromB64u(res.value);
        expect(ciphertext.length, `${alg} ${length}`).toBe(length === 20 ? 32 : 48);
        const decipher = createDecipheriv(`aes-${bits}-cbc`, OCT_KEYS[bits], iv);
        expect(toHex(concat(decipher.update(ciphertext), decipher.final())), alg).toBe(toHex(plaintext));
      }
      const plaintext = utf8(`node encrypts for ${alg}`);
      const cipher = createCipheriv(`aes-${bits}-cbc`, OCT_KEYS[bits], iv);
      const ciphertext = concat(cipher.update(plaintext), cipher.final());
      const back = expectOk(await keyOp(kv, `oct${bits}`, "decrypt", { alg, value: b64u(ciphertext), iv: b64u(iv) }), alg);
      expect(fromB64u(back.value)).toEqual(plaintext);
    }
    const generated = expectOk(await keyOp(kv, "oct128", "encrypt", { alg: "A128CBCPAD", value: b64u(utf8("no iv given")) }));
    const iv = fromB64u(generated.iv);
    expect(iv.length).toBe(16);
    const decipher = createDecipheriv("aes-128-cbc", OCT_KEYS[128], iv);
    expect(concat(decipher.update(fromB64u(generated.value)), decipher.final())).toEqual(utf8("no iv given"));
  });

  it("an iv that is not 16 bytes -> 400 on encrypt and decrypt; decrypt without iv -> 400", async () => {
    const { kv } = shared();
    for (const alg of ["A256CBC", "A256CBCPAD"]) {
      for (const ivLength of [8, 12, 17]) {
        const iv = b64u(new Uint8Array(ivLength));
        expectKvError(await keyOp(kv, "oct256", "encrypt", { alg, value: b64u(utf8("x")), iv }), 400, "BadParameter");
        expectKvError(await keyOp(kv, "oct256", "decrypt", { alg, value: b64u(new Uint8Array(16)), iv }), 400, "BadParameter");
      }
      expectKvError(await keyOp(kv, "oct256", "decrypt", { alg, value: b64u(new Uint8Array(16)) }), 400, "BadParameter");
    }
  });
});

describe("algorithms that do not fit", SLOW_KEYS, () => {
  it("encrypt with a key-wrap algorithm, AES on RSA, RSA on oct, size mismatch -> 400", async () => {
    const { kv } = shared();
    const value = b64u(new Uint8Array(16).fill(1));
    const cases: [string, string, string][] = [
      ["oct256", "encrypt", "A256KW"],
      ["oct256", "encrypt", "CKM_AES_KEY_WRAP"],
      ["oct256", "decrypt", "A256KW"],
      ["rsa", "encrypt", "A256GCM"],
      ["rsa", "encrypt", "A128CBC"],
      ["oct256", "encrypt", "RSA-OAEP"],
      ["oct128", "encrypt", "A256GCM"],
      ["oct256", "encrypt", "A192CBCPAD"],
      ["oct256", "encrypt", "ES256"],
      ["rsa", "encrypt", "rsa-oaep"],
    ];
    for (const [name, op, alg] of cases) {
      const res = await keyOp(kv, name, op, { alg, value });
      expectKvError(res, 400, "BadParameter");
    }
  });
});

describe("one answer for every decryption failure", SLOW_KEYS, () => {
  it("bad GCM tag, bad RSA-OAEP, bad RSA1_5, bad CBCPAD padding and bad KW integrity give identical bodies", async () => {
    const { kv } = shared();
    const failures: Record<string, { status: number; body: unknown }> = {};

    const gcm = expectOk(await keyOp(kv, "oct256", "encrypt", { alg: "A256GCM", value: b64u(utf8("gcm")) }));
    failures.gcmTag = await keyOp(kv, "oct256", "decrypt", { alg: "A256GCM", value: gcm.value, iv: gcm.iv, tag: b64u(flipped(fromB64u(gcm.tag))) });

    const oaep = expectOk(await keyOp(kv, "rsa", "encrypt", { alg: "RSA-OAEP", value: b64u(utf8("oaep")) }));
    failures.oaep = await keyOp(kv, "rsa", "decrypt", { alg: "RSA-OAEP", value: b64u(flipped(fromB64u(oaep.value))) });
    failures.oaep256Short = await keyOp(kv, "rsa", "decrypt", { alg: "RSA-OAEP-256", value: b64u(new Uint8Array(100).fill(1)) });

    failures.rsa15 = await keyOp(kv, "rsa", "decrypt", { alg: "RSA1_5", value: b64u(rsa15CiphertextWithoutSeparator()) });

    // One block whose plaintext ends in 0x00: not PKCS#7.
    const iv = new Uint8Array(16).fill(7);
    const cipher = createCipheriv("aes-256-cbc", OCT_KEYS[256], iv);
    cipher.setAutoPadding(false);
    const badPad = concat(cipher.update(new Uint8Array(16).fill(0)), cipher.final());
    failures.cbcPad = await keyOp(kv, "oct256", "decrypt", { alg: "A256CBCPAD", value: b64u(badPad), iv: b64u(iv) });

    const wrapped = expectOk(await keyOp(kv, "oct256", "wrapkey", { alg: "A256KW", value: b64u(new Uint8Array(32).fill(2)) }));
    failures.kw = await keyOp(kv, "oct256", "unwrapkey", { alg: "A256KW", value: b64u(flipped(fromB64u(wrapped.value))) });
    failures.kwp = await keyOp(kv, "oct256", "unwrapkey", { alg: "CKM_AES_KEY_WRAP_PAD", value: b64u(flipped(fromB64u(wrapped.value))) });

    const bodies = Object.entries(failures).map(([kind, res]) => {
      expectKvError(res, 400, "BadParameter");
      return [kind, JSON.stringify(res.body)] as const;
    });
    const distinct = new Set(bodies.map(([, body]) => body));
    expect(distinct.size, bodies.map(([k, b]) => `${k}: ${b}`).join("\n")).toBe(1);
    const [only] = [...distinct];
    expect(only).not.toMatch(/padding|tag|integrity|oaep|pkcs|length/i);
  });
});
