/**
 * CryptographyClient encrypt/decrypt and wrapKey/unwrapKey against the server, every algorithm, each result
 * checked by node:crypto (OpenSSL) with the key the test imported, and the reverse: ciphertexts and wrapped keys
 * node:crypto made must open through the server. The request log records which operations the SDK sent and
 * which it ran locally.
 */
import {
  constants,
  createCipheriv,
  createDecipheriv,
  generateKeyPairSync,
  publicEncrypt,
  randomBytes,
  type KeyObject,
} from "node:crypto";
import { ManagedIdentityCredential } from "@azure/identity";
import { KeyClient, type KeyVaultKey, type KeyWrapAlgorithm } from "@azure/keyvault-keys";
import { beforeAll, describe, expect, it } from "vitest";
import {
  CryptoHarness,
  expectLocal,
  expectServed,
  rsaOaepDecrypt,
  rsaPkcs1Decrypt,
} from "./support/crypto-clients.ts";
import { devServerFacts } from "./support/dev-server-facts.ts";
import { hex, octJwk, toVaultJwk } from "./support/jwk.ts";
import { SLOW } from "./support/keys.ts";
import { uniqueName } from "./support/names.ts";

const facts = devServerFacts();
const credential = new ManagedIdentityCredential();
const keys = new KeyClient(facts.vaultUrl, credential);
const harness = new CryptoHarness(credential);
const log = harness.log;

const AES_OPS = ["encrypt", "decrypt", "wrapKey", "unwrapKey"] as const;
/** RFC 3394 §2.2.3.1 default initial value. */
const KW_IV = Buffer.from("A6A6A6A6A6A6A6A6", "hex");
/** RFC 5649 §3 alternative initial value (its high half; the low half is the length). */
const KWP_IV = Buffer.from("A65959A6", "hex");

type RsaAlgorithm = "RSA1_5" | "RSA-OAEP" | "RSA-OAEP-256";

interface RsaCase {
  readonly alg: RsaAlgorithm;
  /** Whether the SDK, holding the public key, encrypts and wraps locally instead of asking the server. */
  readonly sdkLocal: boolean;
}

const RSA_CASES: readonly RsaCase[] = [
  { alg: "RSA1_5", sdkLocal: true },
  { alg: "RSA-OAEP", sdkLocal: true },
  { alg: "RSA-OAEP-256", sdkLocal: false },
];

function rsaDecrypt(privateKey: KeyObject, alg: RsaAlgorithm, ciphertext: Uint8Array): Buffer {
  if (alg === "RSA1_5") return rsaPkcs1Decrypt(privateKey, ciphertext);
  return rsaOaepDecrypt(privateKey, alg === "RSA-OAEP" ? "sha1" : "sha256", ciphertext);
}

function rsaEncrypt(publicKey: KeyObject, alg: RsaAlgorithm, plaintext: Uint8Array): Buffer {
  if (alg === "RSA1_5") return publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, plaintext);
  const oaepHash = alg === "RSA-OAEP" ? "sha1" : "sha256";
  return publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash }, plaintext);
}

function cipher(name: string, key: Uint8Array, iv: Uint8Array, data: Uint8Array, autoPadding = true): Buffer {
  const c = createCipheriv(name, key, iv).setAutoPadding(autoPadding);
  return Buffer.concat([c.update(data), c.final()]);
}

function decipher(name: string, key: Uint8Array, iv: Uint8Array, data: Uint8Array, autoPadding = true): Buffer {
  const d = createDecipheriv(name, key, iv).setAutoPadding(autoPadding);
  return Buffer.concat([d.update(data), d.final()]);
}

describe("RSA encryption and key wrap", () => {
  let pair: { publicKey: KeyObject; privateKey: KeyObject };
  let key: KeyVaultKey;

  beforeAll(async () => {
    pair = generateKeyPairSync("rsa", { modulusLength: 2048 });
    key = await keys.importKey(uniqueName("enc-rsa"), {
      ...toVaultJwk(pair.privateKey.export({ format: "jwk" })),
      keyOps: ["encrypt", "decrypt", "wrapKey", "unwrapKey"],
    });
  }, SLOW);

  describe.each(RSA_CASES)("$alg", (c) => {
    it(`encrypts ${c.sdkLocal ? "in the SDK" : "on the server"} from the key id; node:crypto and the server both decrypt`, async () => {
      const plaintext = randomBytes(48);
      const client = harness.byId(key);
      const { result: sealed, requests } = await log.during(() => client.encrypt({ algorithm: c.alg, plaintext }));
      if (c.sdkLocal) expectLocal(requests);
      else expectServed(requests, "encrypt");
      expect(sealed.algorithm).toBe(c.alg);
      expect(sealed.result).toHaveLength(256);
      expect(hex(rsaDecrypt(pair.privateKey, c.alg, sealed.result))).toBe(hex(plaintext));

      const { result: opened, requests: decryptRequests } = await log.during(() =>
        client.decrypt({ algorithm: c.alg, ciphertext: sealed.result }),
      );
      expectServed(decryptRequests, "decrypt");
      expect(hex(opened.result)).toBe(hex(plaintext));
    });

    it("encrypts on the server when the client has no key material; node:crypto decrypts", async () => {
      const plaintext = randomBytes(32);
      const { result: sealed, requests } = await log.during(() => harness.remoteOnly(key).encrypt({ algorithm: c.alg, plaintext }));
      expectServed(requests, "encrypt");
      expect(sealed.keyID).toBe(key.id);
      expect(sealed.result).toHaveLength(256);
      expect(hex(rsaDecrypt(pair.privateKey, c.alg, sealed.result))).toBe(hex(plaintext));
      // Randomized padding: the same plaintext never encrypts the same way twice.
      const again = await harness.remoteOnly(key).encrypt({ algorithm: c.alg, plaintext });
      expect(hex(again.result)).not.toBe(hex(sealed.result));
    });

    it("decrypts on the server what node:crypto encrypted", async () => {
      const plaintext = randomBytes(100);
      const ciphertext = rsaEncrypt(pair.publicKey, c.alg, plaintext);
      const { result: opened, requests } = await log.during(() => harness.byId(key).decrypt({ algorithm: c.alg, ciphertext }));
      expectServed(requests, "decrypt");
      expect(hex(opened.result)).toBe(hex(plaintext));
    });

    it(`wraps ${c.sdkLocal ? "in the SDK" : "on the server"} from the key id; node:crypto and the server unwrap`, async () => {
      const cek = randomBytes(32);
      const client = harness.byId(key);
      const { result: wrapped, requests } = await log.during(() => client.wrapKey(c.alg, cek));
      if (c.sdkLocal) expectLocal(requests);
      else expectServed(requests, "wrapkey");
      expect(wrapped.result).toHaveLength(256);
      expect(hex(rsaDecrypt(pair.privateKey, c.alg, wrapped.result))).toBe(hex(cek));

      const { result: unwrapped, requests: unwrapRequests } = await log.during(() => client.unwrapKey(c.alg, wrapped.result));
      expectServed(unwrapRequests, "unwrapkey");
      expect(hex(unwrapped.result)).toBe(hex(cek));
    });

    it("wraps on the server when the client has no key material; node:crypto unwraps", async () => {
      const cek = randomBytes(24);
      const { result: wrapped, requests } = await log.during(() => harness.remoteOnly(key).wrapKey(c.alg, cek));
      expectServed(requests, "wrapkey");
      expect(wrapped.keyID).toBe(key.id);
      expect(hex(rsaDecrypt(pair.privateKey, c.alg, wrapped.result))).toBe(hex(cek));
    });

    it("unwraps on the server what node:crypto wrapped", async () => {
      const cek = randomBytes(16);
      const wrapped = rsaEncrypt(pair.publicKey, c.alg, cek);
      const { result: unwrapped, requests } = await log.during(() => harness.byId(key).unwrapKey(c.alg, wrapped));
      expectServed(requests, "unwrapkey");
      expect(hex(unwrapped.result)).toBe(hex(cek));
    });
  });
});

const AES_SIZES = [128, 192, 256] as const;
type AesSize = (typeof AES_SIZES)[number];

/** One imported AES key per size, its material known to the test. */
function aesKeys(): { material: Record<AesSize, Buffer>; vault: Partial<Record<AesSize, KeyVaultKey>> } {
  const material = { 128: randomBytes(16), 192: randomBytes(24), 256: randomBytes(32) };
  const vault: Partial<Record<AesSize, KeyVaultKey>> = {};
  beforeAll(async () => {
    for (const size of AES_SIZES) {
      vault[size] = await keys.importKey(uniqueName(`aes-${size}`), { ...octJwk(material[size]), keyOps: [...AES_OPS] });
    }
  });
  return { material, vault };
}

function vaultKey(vault: Partial<Record<AesSize, KeyVaultKey>>, size: AesSize): KeyVaultKey {
  const key = vault[size];
  if (key === undefined) throw new Error(`the ${size}-bit key was not imported`);
  return key;
}

describe("AES-GCM", () => {
  const { material, vault } = aesKeys();
  const CASES = [
    { alg: "A128GCM", size: 128 },
    { alg: "A192GCM", size: 192 },
    { alg: "A256GCM", size: 256 },
  ] as const;

  describe.each(CASES)("$alg", (c) => {
    it("encrypts on the server with its own IV; node:crypto decrypts with the returned iv, tag and aad", async () => {
      const key = vaultKey(vault, c.size);
      const plaintext = randomBytes(61);
      const aad = randomBytes(20);
      const client = harness.byId(key);
      const { result: sealed, requests } = await log.during(() =>
        client.encrypt({ algorithm: c.alg, plaintext, additionalAuthenticatedData: aad }),
      );
      // An oct key's material never leaves the vault, so the SDK has nothing to run locally.
      expectServed(requests, "encrypt");
      expect(sealed.algorithm).toBe(c.alg);
      expect(sealed.result).toHaveLength(plaintext.length);
      expect(sealed.iv).toHaveLength(12);
      expect(sealed.authenticationTag).toHaveLength(16);
      expect(hex(sealed.additionalAuthenticatedData)).toBe(hex(aad));

      const d = createDecipheriv(`aes-${c.size}-gcm`, material[c.size], sealed.iv ?? new Uint8Array());
      d.setAAD(aad);
      d.setAuthTag(sealed.authenticationTag ?? new Uint8Array());
      expect(hex(Buffer.concat([d.update(sealed.result), d.final()]))).toBe(hex(plaintext));

      const { result: opened, requests: decryptRequests } = await log.during(() =>
        client.decrypt({
          algorithm: c.alg,
          ciphertext: sealed.result,
          iv: sealed.iv ?? new Uint8Array(),
          authenticationTag: sealed.authenticationTag ?? new Uint8Array(),
          additionalAuthenticatedData: aad,
        }),
      );
      expectServed(decryptRequests, "decrypt");
      expect(hex(opened.result)).toBe(hex(plaintext));

      // A fresh IV for every encryption under the key.
      const again = await client.encrypt({ algorithm: c.alg, plaintext });
      expect(hex(again.iv)).not.toBe(hex(sealed.iv));
    });

    it("decrypts on the server what node:crypto encrypted", async () => {
      const plaintext = randomBytes(45);
      const aad = Buffer.from("header");
      const iv = randomBytes(12);
      const e = createCipheriv(`aes-${c.size}-gcm`, material[c.size], iv);
      e.setAAD(aad);
      const ciphertext = Buffer.concat([e.update(plaintext), e.final()]);
      const tag = e.getAuthTag();
      const { result: opened, requests } = await log.during(() =>
        harness.byId(vaultKey(vault, c.size)).decrypt({
          algorithm: c.alg,
          ciphertext,
          iv,
          authenticationTag: tag,
          additionalAuthenticatedData: aad,
        }),
      );
      expectServed(requests, "decrypt");
      expect(hex(opened.result)).toBe(hex(plaintext));
    });
  });
});

describe("AES-CBC", () => {
  const { material, vault } = aesKeys();
  const CASES = AES_SIZES.flatMap((size) => [
    { alg: `A${size}CBC` as const, size, padded: false },
    { alg: `A${size}CBCPAD` as const, size, padded: true },
  ]);

  describe.each(CASES)("$alg", (c) => {
    // A*CBC has no padding: whole blocks only. A*CBCPAD pads with PKCS#7, a full block when already aligned.
    const plaintexts = c.padded ? [randomBytes(21), randomBytes(32), randomBytes(1)] : [randomBytes(32), randomBytes(16)];

    it("encrypts with the caller's IV exactly as node:crypto does, and decrypts on the server", async () => {
      const key = vaultKey(vault, c.size);
      const client = harness.byId(key);
      for (const plaintext of plaintexts) {
        const iv = randomBytes(16);
        const { result: sealed, requests } = await log.during(() => client.encrypt({ algorithm: c.alg, plaintext, iv }));
        expectServed(requests, "encrypt");
        const expected = cipher(`aes-${c.size}-cbc`, material[c.size], iv, plaintext, c.padded);
        expect(hex(sealed.result)).toBe(hex(expected));

        const { result: opened, requests: decryptRequests } = await log.during(() =>
          client.decrypt({ algorithm: c.alg, ciphertext: sealed.result, iv }),
        );
        expectServed(decryptRequests, "decrypt");
        expect(hex(opened.result)).toBe(hex(plaintext));
      }
    });

    it("generates and returns an IV when the caller sends none; node:crypto decrypts with it", async () => {
      // The SDK means to fill in a CBC IV itself but tests `algorithm in [array]`, never true, so it sends none.
      const plaintext = plaintexts[0] ?? new Uint8Array();
      const { result: sealed, requests } = await log.during(() => harness.byId(vaultKey(vault, c.size)).encrypt({ algorithm: c.alg, plaintext }));
      expectServed(requests, "encrypt");
      expect(sealed.iv).toHaveLength(16);
      const opened = decipher(`aes-${c.size}-cbc`, material[c.size], sealed.iv ?? new Uint8Array(), sealed.result, c.padded);
      expect(hex(opened)).toBe(hex(plaintext));
    });

    it("decrypts on the server what node:crypto encrypted", async () => {
      const plaintext = plaintexts[0] ?? new Uint8Array();
      const iv = randomBytes(16);
      const ciphertext = cipher(`aes-${c.size}-cbc`, material[c.size], iv, plaintext, c.padded);
      const { result: opened, requests } = await log.during(() =>
        harness.byId(vaultKey(vault, c.size)).decrypt({ algorithm: c.alg, ciphertext, iv }),
      );
      expectServed(requests, "decrypt");
      expect(hex(opened.result)).toBe(hex(plaintext));
    });
  });
});

describe("AES key wrap", () => {
  const { material, vault } = aesKeys();

  /** What node:crypto (OpenSSL's RFC 3394 / RFC 5649 ciphers) makes of `cek` under the key of `size` bits. */
  function nodeWrap(size: AesSize, padded: boolean, cek: Uint8Array): Buffer {
    return cipher(`id-aes${size}-wrap${padded ? "-pad" : ""}`, material[size], padded ? KWP_IV : KW_IV, cek);
  }

  const CASES: ReadonlyArray<{ alg: KeyWrapAlgorithm; size: AesSize; padded: boolean; ceks: readonly number[] }> = [
    { alg: "A128KW", size: 128, padded: false, ceks: [16, 32] },
    { alg: "A192KW", size: 192, padded: false, ceks: [24, 32] },
    { alg: "A256KW", size: 256, padded: false, ceks: [32, 40] },
    // The PKCS#11 mechanisms take whatever AES key the vault holds.
    { alg: "CKM_AES_KEY_WRAP", size: 256, padded: false, ceks: [32, 16] },
    { alg: "CKM_AES_KEY_WRAP", size: 128, padded: false, ceks: [24] },
    { alg: "CKM_AES_KEY_WRAP_PAD", size: 256, padded: true, ceks: [20, 32, 1] },
    { alg: "CKM_AES_KEY_WRAP_PAD", size: 192, padded: true, ceks: [31] },
  ];

  describe.each(CASES)("$alg with a $size-bit key", (c) => {
    it("wraps on the server exactly as node:crypto does, and unwraps", async () => {
      const client = harness.byId(vaultKey(vault, c.size));
      for (const length of c.ceks) {
        const cek = randomBytes(length);
        const { result: wrapped, requests } = await log.during(() => client.wrapKey(c.alg, cek));
        expectServed(requests, "wrapkey");
        expect(wrapped.algorithm).toBe(c.alg);
        // Deterministic: byte for byte the RFC's output.
        expect(hex(wrapped.result)).toBe(hex(nodeWrap(c.size, c.padded, cek)));

        const { result: unwrapped, requests: unwrapRequests } = await log.during(() => client.unwrapKey(c.alg, wrapped.result));
        expectServed(unwrapRequests, "unwrapkey");
        expect(hex(unwrapped.result)).toBe(hex(cek));
      }
    });

    it("unwraps on the server what node:crypto wrapped", async () => {
      const cek = randomBytes(c.ceks[0] ?? 32);
      const { result: unwrapped, requests } = await log.during(() =>
        harness.byId(vaultKey(vault, c.size)).unwrapKey(c.alg, nodeWrap(c.size, c.padded, cek)),
      );
      expectServed(requests, "unwrapkey");
      expect(hex(unwrapped.result)).toBe(hex(cek));
    });
  });
});
