/**
 * AES-GCM, AES-CBC and AES-CBC-PAD with oct keys in the token. Keys of known value are imported so node:crypto can
 * encrypt for the bridge and decrypt what the bridge made; generated keys (whose value nobody knows) round-trip;
 * Wycheproof and SP 800-38A vectors run against imported keys.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { AesCipherAlgorithm, BridgeClient } from "../../core/hsm/bridge-client/index.ts";
import { b64, bytesOf, hmacClient, rawCall } from "./support/clients.ts";
import { expectBridgeError } from "./support/expect-failure.ts";
import { hexVectors } from "./support/vectors.ts";

const SIZES = [128, 192, 256] as const;
type Size = (typeof SIZES)[number];

let client: BridgeClient;
const known = new Map<Size, { id: string; value: Buffer }>();
const importedByHex = new Map<string, string>();

beforeAll(async () => {
  client = await hmacClient();
  for (const size of SIZES) {
    const value = randomBytes(size / 8);
    known.set(size, { id: (await client.importKey({ jwk: { kty: "oct", k: b64(value) } })).id, value });
  }
});

function keyOf(size: Size): { id: string; value: Buffer } {
  const key = known.get(size);
  if (key === undefined) throw new Error("not imported");
  return key;
}

async function importedKey(hex: string): Promise<string> {
  const existing = importedByHex.get(hex);
  if (existing !== undefined) return existing;
  const { id } = await client.importKey({ jwk: { kty: "oct", k: b64(hex) } });
  importedByHex.set(hex, id);
  return id;
}

describe.each(SIZES)("AES-%i-GCM", (size) => {
  const alg = `A${size}GCM` as AesCipherAlgorithm;

  it("node:crypto decrypts what the bridge encrypted (bridge-made 96-bit IV, 128-bit tag, AAD)", async () => {
    const { id, value } = keyOf(size);
    const plaintext = randomBytes(100);
    const aad = randomBytes(20);
    const out = await client.encrypt(id, { alg, plaintext: b64(plaintext), aad: b64(aad) });
    const iv = bytesOf(out.iv ?? "");
    expect(iv).toHaveLength(12);
    expect(bytesOf(out.tag ?? "")).toHaveLength(16);
    const decipher = createDecipheriv(`aes-${size}-gcm`, value, iv).setAAD(aad).setAuthTag(bytesOf(out.tag ?? ""));
    expect(Buffer.concat([decipher.update(bytesOf(out.ciphertext)), decipher.final()]).equals(plaintext)).toBe(true);
  });

  it("the bridge decrypts what node:crypto encrypted, and refuses a wrong tag or AAD with the generic error", async () => {
    const { id, value } = keyOf(size);
    const plaintext = randomBytes(33);
    const iv = randomBytes(12);
    const aad = Buffer.from("header");
    const cipher = createCipheriv(`aes-${size}-gcm`, value, iv).setAAD(aad);
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    const tag = cipher.getAuthTag();
    const request = { alg, ciphertext: b64(ciphertext), iv: b64(iv), tag: b64(tag), aad: b64(aad) };
    expect(bytesOf((await client.decrypt(id, request)).plaintext).equals(plaintext)).toBe(true);
    const badTag = Buffer.from(tag);
    badTag[0] = (badTag[0] ?? 0) ^ 1;
    for (const bad of [{ ...request, tag: b64(badTag) }, { ...request, aad: b64("other") }, { ...request, aad: "" }]) {
      const error = await expectBridgeError(client.decrypt(id, bad), "BadParameter", 400);
      expect(error.message).toBe("decryption failed");
    }
  });

  it("never takes an IV from the caller, and uses a fresh one every time", async () => {
    const { id } = keyOf(size);
    await expectBridgeError(client.encrypt(id, { alg, plaintext: "AAAA", iv: b64(randomBytes(12)) }), "BadParameter", 400);
    const ivs = await Promise.all([1, 2, 3].map(() => client.encrypt(id, { alg, plaintext: "AAAA" }).then((out) => out.iv)));
    expect(new Set(ivs).size).toBe(3);
  });
});

describe.each(SIZES)("AES-%i-CBC and CBC-PAD", (size) => {
  it("CBC (whole blocks, no padding) both ways with node:crypto", async () => {
    const { id, value } = keyOf(size);
    const alg = `A${size}CBC` as AesCipherAlgorithm;
    const plaintext = randomBytes(64);
    const out = await client.encrypt(id, { alg, plaintext: b64(plaintext) });
    const decipher = createDecipheriv(`aes-${size}-cbc`, value, bytesOf(out.iv ?? "")).setAutoPadding(false);
    expect(Buffer.concat([decipher.update(bytesOf(out.ciphertext)), decipher.final()]).equals(plaintext)).toBe(true);

    const iv = randomBytes(16);
    const cipher = createCipheriv(`aes-${size}-cbc`, value, iv).setAutoPadding(false);
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    expect(await client.encrypt(id, { alg, plaintext: b64(plaintext), iv: b64(iv) })).toEqual({ ciphertext: b64(ciphertext), iv: b64(iv) });
    expect(bytesOf((await client.decrypt(id, { alg, ciphertext: b64(ciphertext), iv: b64(iv) })).plaintext).equals(plaintext)).toBe(true);
    await expectBridgeError(client.encrypt(id, { alg, plaintext: b64(randomBytes(17)) }), "BadParameter", 400);
  });

  it("CBC-PAD (PKCS#7) both ways with node:crypto, any length", async () => {
    const { id, value } = keyOf(size);
    const alg = `A${size}CBCPAD` as AesCipherAlgorithm;
    for (const length of [0, 1, 15, 16, 17, 100]) {
      const plaintext = randomBytes(length);
      const out = await client.encrypt(id, { alg, plaintext: b64(plaintext) });
      const decipher = createDecipheriv(`aes-${size}-cbc`, value, bytesOf(out.iv ?? ""));
      expect(Buffer.concat([decipher.update(bytesOf(out.ciphertext)), decipher.final()]).equals(plaintext)).toBe(true);

      const iv = randomBytes(16);
      const cipher = createCipheriv(`aes-${size}-cbc`, value, iv);
      const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
      const back = await client.decrypt(id, { alg, ciphertext: b64(ciphertext), iv: b64(iv) });
      expect(bytesOf(back.plaintext).equals(plaintext), `${length} bytes`).toBe(true);
    }
  });
});

describe("the empty message", () => {
  it.each(["A128GCM", "A128CBCPAD"] as const)("%s encrypts it to what node:crypto makes (GCM: only the tag; CBC-PAD: one padding block)", async (alg) => {
    const { id, value } = keyOf(128);
    const out = await client.encrypt(id, { alg, plaintext: "" });
    const cipher = createCipheriv(alg === "A128GCM" ? "aes-128-gcm" : "aes-128-cbc", value, bytesOf(out.iv ?? ""));
    const expected = Buffer.concat([cipher.update(Buffer.alloc(0)), cipher.final()]);
    expect(out.ciphertext).toBe(b64(expected));
    if (alg === "A128GCM") expect(out.tag).toBe(b64((cipher as ReturnType<typeof createCipheriv> & { getAuthTag(): Buffer }).getAuthTag()));
    const back = await client.decrypt(id, { alg, ciphertext: out.ciphertext, iv: out.iv ?? "", ...(out.tag === undefined ? {} : { tag: out.tag }) });
    expect(back.plaintext).toBe("");
  });
});

describe("generated (non-extractable) AES keys", () => {
  it.each(["A256GCM", "A256CBC", "A256CBCPAD"] as const)("%s round-trips in the bridge", async (alg) => {
    const key = await client.generateKey({ kty: "oct", size: 256 });
    const plaintext = randomBytes(48);
    const out = await client.encrypt(key.id, { alg, plaintext: b64(plaintext) });
    const back = await client.decrypt(key.id, { alg, ciphertext: out.ciphertext, ...(out.iv === undefined ? {} : { iv: out.iv }), ...(out.tag === undefined ? {} : { tag: out.tag }) });
    expect(bytesOf(back.plaintext).equals(plaintext)).toBe(true);
  });
});

describe("vectors", () => {
  it.each(hexVectors("aes-gcm-wycheproof.json", ["key", "iv", "aad", "msg", "ct", "tag"]).map((test) => [test.tcId, test] as const))(
    "Wycheproof AES-GCM tcId %s",
    async (_tcId, test) => {
      const id = await importedKey(test.key!);
      const alg = `A${(test.key!.length / 2) * 8}GCM` as AesCipherAlgorithm;
      const call = client.decrypt(id, { alg, ciphertext: b64(test.ct!), iv: b64(test.iv!), tag: b64(test.tag!), aad: b64(test.aad!) });
      if (test.result === "valid") expect((await call).plaintext).toBe(b64(test.msg!));
      else await expectBridgeError(call, "BadParameter", 400);
    },
  );

  it.each(hexVectors("aes-cbc-pkcs5-wycheproof.json", ["key", "iv", "msg", "ct"]).map((test) => [test.tcId, test] as const))(
    "Wycheproof AES-CBC-PKCS5 tcId %s",
    async (_tcId, test) => {
      const id = await importedKey(test.key!);
      const alg = `A${(test.key!.length / 2) * 8}CBCPAD` as AesCipherAlgorithm;
      const call = client.decrypt(id, { alg, ciphertext: b64(test.ct!), iv: b64(test.iv!) });
      if (test.result === "valid") expect((await call).plaintext).toBe(b64(test.msg!));
      else await expectBridgeError(call, "BadParameter", 400);
    },
  );

  it("NIST SP 800-38A F.2 CBC examples encrypt to the published ciphertext", async () => {
    const data = hexVectors("aes-cbc-sp800-38a.json", ["key", "ciphertext"]);
    const raw = (await import("node:fs")).readFileSync(new URL("../vectors/aes-cbc-sp800-38a.json", import.meta.url), "utf8");
    const { iv, plaintext } = JSON.parse(raw) as { iv: string; plaintext: string };
    for (const test of data) {
      const id = await importedKey(test.key!);
      const alg = `A${(test.key!.length / 2) * 8}CBC` as AesCipherAlgorithm;
      const out = await client.encrypt(id, { alg, plaintext: b64(plaintext), iv: b64(iv) });
      expect(out.ciphertext, test.section).toBe(b64(test.ciphertext!));
    }
  });
});

describe("input checks", () => {
  it("refuses an algorithm for another key size, missing IVs and tags, and AAD outside GCM", async () => {
    const { id } = keyOf(128);
    await expectBridgeError(client.encrypt(id, { alg: "A256GCM", plaintext: "AAAA" }), "BadParameter", 400);
    await expectBridgeError(client.decrypt(id, { alg: "A128GCM", ciphertext: "AAAA", tag: b64(randomBytes(16)) }), "BadParameter", 400);
    await expectBridgeError(client.decrypt(id, { alg: "A128GCM", ciphertext: "AAAA", iv: b64(randomBytes(12)) }), "BadParameter", 400);
    await expectBridgeError(client.encrypt(id, { alg: "A128CBCPAD", plaintext: "AAAA", aad: "AAAA" }), "BadParameter", 400);
    await expectBridgeError(client.encrypt(id, { alg: "A128CBC", plaintext: b64(randomBytes(16)), iv: b64(randomBytes(8)) }), "BadParameter", 400);
  });

  it("answers a CBC ciphertext that is not whole blocks with the generic error", async () => {
    const { id } = keyOf(128);
    const answer = await rawCall({ method: "POST", path: `/keys/${id}/decrypt`, body: { alg: "A128CBCPAD", ciphertext: b64(randomBytes(17)), iv: b64(randomBytes(16)) } });
    expect(answer.json).toEqual({ error: { code: "BadParameter", message: "decryption failed" } });
  });

  it("refuses to import an AES key of another size", async () => {
    await expectBridgeError(client.importKey({ jwk: { kty: "oct", k: b64(randomBytes(20)) } }), "BadParameter", 400);
  });
});
