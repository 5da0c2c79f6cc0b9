/**
 * wrapKey / unwrapKey (keys.json): RSA-OAEP, RSA-OAEP-256 and RSA1_5 with a known RSA key; A*KW and
 * CKM_AES_KEY_WRAP compared byte for byte with WebCrypto AES-KW under the same imported KEK;
 * CKM_AES_KEY_WRAP_PAD against the RFC 5649 section 6 examples with the vector's KEK imported.
 */
import { constants, createPrivateKey, privateDecrypt } from "node:crypto";
import { describe, expect, it } from "vitest";
import kwpRfc5649 from "../vectors/aes-kwp-rfc5649.json";
import kwRfc3394 from "../vectors/aes-kw-rfc3394.json";
import { failOnlyOnTrulyUnhandledRejections } from "../support/rejections.ts";
import {
  OCT_KEYS,
  RSA_2048_JWK,
  b64u,
  expectKvError,
  expectOk,
  flipped,
  fromB64u,
  importKey,
  keyOp,
  sharedKeyVault,
  octJwk,
  SLOW_KEYS,
  type KeyBundle,
} from "../support/key-api.ts";
import { toHex, hex as hexBytes } from "../support/bytes.ts";

failOnlyOnTrulyUnhandledRejections();

interface WrapVector {
  kek: string;
  key: string;
  wrapped: string;
  example?: string;
  section?: string;
}

function wrapVectors(file: unknown): WrapVector[] {
  const tests = (file as { tests?: unknown }).tests;
  if (!Array.isArray(tests)) throw new Error("vector file without tests");
  return tests.map((t: Record<string, unknown>) => {
    if (typeof t.kek !== "string" || typeof t.key !== "string" || typeof t.wrapped !== "string") throw new Error("bad wrap vector");
    return t as unknown as WrapVector;
  });
}

/** rsa (RFC 7517 A.2) and kek128/192/256 (OCT_KEYS), imported once for the file. */
const shared = sharedKeyVault("wu", async ({ kv }) => {
  await importKey(kv, "rsa", RSA_2048_JWK);
  for (const bits of [128, 192, 256] as const) await importKey(kv, `kek${bits}`, octJwk(OCT_KEYS[bits]));
});

const RSA_PRIVATE_PEM = String(createPrivateKey({ key: RSA_2048_JWK, format: "jwk" }).export({ type: "pkcs8", format: "pem" }));

/** WebCrypto's RFC 3394 wrap of `keyBytes` under `kek`. */
async function webCryptoKw(kek: Uint8Array, keyBytes: Uint8Array): Promise<Uint8Array> {
  const wrappingKey = await crypto.subtle.importKey("raw", new Uint8Array(kek), "AES-KW", false, ["wrapKey"]);
  const toWrap = await crypto.subtle.importKey("raw", new Uint8Array(keyBytes), "AES-GCM", true, ["encrypt"]);
  return new Uint8Array(await crypto.subtle.wrapKey("raw", toWrap, wrappingKey, "AES-KW"));
}

describe("RSA key wrap (imported RFC 7517 A.2 key)", SLOW_KEYS, () => {
  it("RSA-OAEP, RSA-OAEP-256, RSA1_5: the wrapped key opens locally and the API unwraps it", async () => {
    const { kv } = shared();
    const imported = expectOk(await kv.json<KeyBundle>("GET", "/keys/rsa"));
    const cek = crypto.getRandomValues(new Uint8Array(32));
    for (const alg of ["RSA-OAEP", "RSA-OAEP-256", "RSA1_5"]) {
      const wrapped = expectOk(await keyOp(kv, "rsa", "wrapkey", { alg, value: b64u(cek) }), alg);
      expect(wrapped.kid).toBe(imported.key.kid);
      const blob = fromB64u(wrapped.value);
      expect(blob.length).toBe(256);
      let local: Uint8Array;
      if (alg === "RSA1_5") {
        local = new Uint8Array(privateDecrypt({ key: RSA_PRIVATE_PEM, padding: constants.RSA_PKCS1_PADDING }, blob));
      } else {
        const key = await crypto.subtle.importKey("jwk", RSA_2048_JWK, { name: "RSA-OAEP", hash: alg === "RSA-OAEP" ? "SHA-1" : "SHA-256" }, false, ["unwrapKey"]);
        const unwrapped = await crypto.subtle.unwrapKey("raw", blob, key, { name: "RSA-OAEP" }, "AES-GCM", true, ["encrypt"]);
        local = new Uint8Array((await crypto.subtle.exportKey("raw", unwrapped)) as ArrayBuffer);
      }
      expect(toHex(local), alg).toBe(toHex(cek));
      const back = expectOk(await keyOp(kv, "rsa", "unwrapkey", { alg, value: wrapped.value }), alg);
      expect(toHex(fromB64u(back.value)), alg).toBe(toHex(cek));
    }
  });

  it("a key wrapped by WebCrypto RSA-OAEP-256 unwraps through the API", async () => {
    const { kv } = shared();
    const pub = await crypto.subtle.importKey("jwk", { kty: "RSA", n: RSA_2048_JWK.n, e: RSA_2048_JWK.e }, { name: "RSA-OAEP", hash: "SHA-256" }, false, ["wrapKey"]);
    const cek = crypto.getRandomValues(new Uint8Array(16));
    const aes = await crypto.subtle.importKey("raw", cek, "AES-GCM", true, ["encrypt"]);
    const blob = new Uint8Array(await crypto.subtle.wrapKey("raw", aes, pub, { name: "RSA-OAEP" }));
    const back = expectOk(await keyOp(kv, "rsa", "unwrapkey", { alg: "RSA-OAEP-256", value: b64u(blob) }));
    expect(toHex(fromB64u(back.value))).toBe(toHex(cek));
  });
});

describe("AES key wrap (RFC 3394)", SLOW_KEYS, () => {
  it("A128KW / A192KW / A256KW and CKM_AES_KEY_WRAP equal WebCrypto AES-KW under the same KEK, and unwrap", async () => {
    const { kv } = shared();
    // Key lengths vary with the KEK so each size of both is covered once.
    const keyLengths = { 128: 32, 192: 16, 256: 24 } as const;
    for (const bits of [128, 192, 256] as const) {
      const keyBytes = crypto.getRandomValues(new Uint8Array(keyLengths[bits]));
      const expected = toHex(await webCryptoKw(OCT_KEYS[bits], keyBytes));
      for (const alg of [`A${bits}KW`, "CKM_AES_KEY_WRAP"]) {
        const wrapped = expectOk(await keyOp(kv, `kek${bits}`, "wrapkey", { alg, value: b64u(keyBytes) }), alg);
        expect(toHex(fromB64u(wrapped.value)), `${alg} wrapping ${keyBytes.length} bytes`).toBe(expected);
        const back = expectOk(await keyOp(kv, `kek${bits}`, "unwrapkey", { alg, value: wrapped.value }), alg);
        expect(toHex(fromB64u(back.value))).toBe(toHex(keyBytes));
      }
    }
  });

  it("RFC 3394 section 4 examples through the API (each KEK imported as an oct key)", async () => {
    const { kv } = shared();
    let i = 0;
    for (const v of wrapVectors(kwRfc3394)) {
      const name = `kek${i++}`;
      const kek = hexBytes(v.kek);
      await importKey(kv, name, octJwk(kek));
      const alg = `A${kek.length * 8}KW`;
      const wrapped = expectOk(await keyOp(kv, name, "wrapkey", { alg, value: b64u(hexBytes(v.key)) }), `${v.section}`);
      expect(toHex(fromB64u(wrapped.value)), `RFC 3394 §${v.section}`).toBe(v.wrapped);
      const back = expectOk(await keyOp(kv, name, "unwrapkey", { alg: "CKM_AES_KEY_WRAP", value: b64u(hexBytes(v.wrapped)) }));
      expect(toHex(fromB64u(back.value))).toBe(v.key);
    }
    expect(i).toBeGreaterThanOrEqual(6);
  });

  it("A*KW whose name does not match the KEK size -> 400; key to wrap not a multiple of 8 bytes -> 400", async () => {
    const { kv } = shared();
    expectKvError(await keyOp(kv, "kek128", "wrapkey", { alg: "A256KW", value: b64u(new Uint8Array(16)) }), 400, "BadParameter");
    expectKvError(await keyOp(kv, "kek128", "wrapkey", { alg: "A128KW", value: b64u(new Uint8Array(20)) }), 400, "BadParameter");
    expectKvError(await keyOp(kv, "kek128", "wrapkey", { alg: "A128GCM", value: b64u(new Uint8Array(16)) }), 400, "BadParameter");
  });
});

describe("AES key wrap with padding (CKM_AES_KEY_WRAP_PAD, RFC 5649)", SLOW_KEYS, () => {
  it("matches the RFC 5649 section 6 examples with the vector's KEK imported, both ways", async () => {
    const { kv } = shared();
    const vectors = wrapVectors(kwpRfc5649);
    expect(vectors.length).toBe(2);
    await importKey(kv, "kek", octJwk(hexBytes((vectors[0] as WrapVector).kek)));
    for (const v of vectors) {
      expect(v.kek).toBe((vectors[0] as WrapVector).kek);
      const wrapped = expectOk(await keyOp(kv, "kek", "wrapkey", { alg: "CKM_AES_KEY_WRAP_PAD", value: b64u(hexBytes(v.key)) }), v.example);
      expect(toHex(fromB64u(wrapped.value)), v.example).toBe(v.wrapped);
      const back = expectOk(await keyOp(kv, "kek", "unwrapkey", { alg: "CKM_AES_KEY_WRAP_PAD", value: b64u(hexBytes(v.wrapped)) }), v.example);
      expect(toHex(fromB64u(back.value)), v.example).toBe(v.key);
    }
  });
});

describe("tampered wrapped keys", SLOW_KEYS, () => {
  it("unwrap of a tampered blob -> 400 with the one generic body, for every wrap algorithm", async () => {
    const { kv } = shared();
    const cek = crypto.getRandomValues(new Uint8Array(32));
    const bodies: string[] = [];
    for (const [name, alg] of [
      ["kek256", "A256KW"],
      ["kek256", "CKM_AES_KEY_WRAP"],
      ["kek256", "CKM_AES_KEY_WRAP_PAD"],
      ["rsa", "RSA-OAEP"],
      ["rsa", "RSA-OAEP-256"],
    ] as const) {
      const wrapped = expectOk(await keyOp(kv, name, "wrapkey", { alg, value: b64u(cek) }), alg);
      const blob = fromB64u(wrapped.value);
      for (const tampered of [flipped(blob), flipped(blob, 7), blob.slice(0, blob.length - 8)]) {
        const res = await keyOp(kv, name, "unwrapkey", { alg, value: b64u(tampered) });
        expectKvError(res, 400, "BadParameter");
        bodies.push(JSON.stringify(res.body));
      }
    }
    expect(new Set(bodies).size, [...new Set(bodies)].join("\n")).toBe(1);
  });
});
