/**
 * POST /keys/{id}/wrap and /unwrap: AES key wrap against RFC 3394 and RFC 5649's published examples and Wycheproof
 * (KEKs of known value imported into the token), and RSA wrap, which is RSA encryption (node:crypto wraps, the
 * bridge unwraps).
 */
import { constants, publicEncrypt, randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { AesWrapAlgorithm, BridgeClient, KeyInfo, RsaCipherAlgorithm } from "../../core/hsm/bridge-client/index.ts";
import { b64, bytesOf, hmacClient, rawCall } from "./support/clients.ts";
import { expectBridgeError } from "./support/expect-failure.ts";
import { nodePublicKey } from "./support/node-keys.ts";
import { hexVectors } from "./support/vectors.ts";

let client: BridgeClient;
const keks = new Map<string, string>();

beforeAll(async () => {
  client = await hmacClient();
});

async function kek(hex: string): Promise<string> {
  const existing = keks.get(hex);
  if (existing !== undefined) return existing;
  const { id } = await client.importKey({ jwk: { kty: "oct", k: b64(hex) } });
  keks.set(hex, id);
  return id;
}

function kwAlgorithm(kekHex: string): AesWrapAlgorithm {
  return `A${(kekHex.length / 2) * 8}KW` as AesWrapAlgorithm;
}

describe("RFC 3394 §4 examples (AES-KW)", () => {
  it.each(hexVectors("aes-kw-rfc3394.json", ["kek", "key", "wrapped"]).map((test) => [test.section, test] as const))(
    "§%s: wraps to the published bytes and unwraps back, with A*KW and CKM_AES_KEY_WRAP",
    async (_section, test) => {
      const id = await kek(test.kek!);
      for (const alg of [kwAlgorithm(test.kek!), "CKM_AES_KEY_WRAP"] as const) {
        expect(await client.wrap(id, { alg, key: b64(test.key!) })).toEqual({ wrapped: b64(test.wrapped!) });
        expect(await client.unwrap(id, { alg, wrapped: b64(test.wrapped!) })).toEqual({ key: b64(test.key!) });
      }
    },
  );

  it("answers a tampered wrapped key with the one generic error (RFC 3394 §2.2.3 integrity check)", async () => {
    const [test] = hexVectors("aes-kw-rfc3394.json", ["kek", "key", "wrapped"]);
    const wrapped = Buffer.from(test!.wrapped!, "hex");
    wrapped[3] = (wrapped[3] ?? 0) ^ 0x80;
    const answer = await rawCall({ method: "POST", path: `/keys/${await kek(test!.kek!)}/unwrap`, body: { alg: "A128KW", wrapped: b64(wrapped) } });
    expect({ status: answer.status, body: answer.json }).toEqual({ status: 400, body: { error: { code: "BadParameter", message: "decryption failed" } } });
  });

  it("refuses a KEK of another size than the algorithm names, and keys RFC 3394 cannot wrap", async () => {
    const id = await kek("000102030405060708090a0b0c0d0e0f");
    await expectBridgeError(client.wrap(id, { alg: "A256KW", key: b64(randomBytes(16)) }), "BadParameter", 400);
    await expectBridgeError(client.wrap(id, { alg: "A128KW", key: b64(randomBytes(8)) }), "BadParameter", 400);
    await expectBridgeError(client.wrap(id, { alg: "A128KW", key: b64(randomBytes(20)) }), "BadParameter", 400);
  });
});

describe("Wycheproof AES-KW", () => {
  it.each(hexVectors("aes-kw-wycheproof.json", ["key", "msg", "ct"]).map((test) => [test.tcId, test] as const))("tcId %s", async (_tcId, test) => {
    const id = await kek(test.key!);
    const alg = kwAlgorithm(test.key!);
    if (test.result === "valid") {
      expect(await client.wrap(id, { alg, key: b64(test.msg!) })).toEqual({ wrapped: b64(test.ct!) });
      expect(await client.unwrap(id, { alg, wrapped: b64(test.ct!) })).toEqual({ key: b64(test.msg!) });
    } else {
      // "acceptable" here is the 8-byte key RFC 3394 allows and SP 800-38F does not: refused, like "invalid".
      if (test.ct === "") return;
      await expectBridgeError(client.unwrap(id, { alg, wrapped: b64(test.ct!) }), "BadParameter", 400);
    }
  });
});

describe("RFC 5649 §6 examples and Wycheproof (AES-KWP, CKM_AES_KEY_WRAP_PAD)", () => {
  it.each(hexVectors("aes-kwp-rfc5649.json", ["kek", "key", "wrapped"]).map((test) => [test.example, test] as const))("%s", async (_example, test) => {
    const id = await kek(test.kek!);
    expect(await client.wrap(id, { alg: "CKM_AES_KEY_WRAP_PAD", key: b64(test.key!) })).toEqual({ wrapped: b64(test.wrapped!) });
    expect(await client.unwrap(id, { alg: "CKM_AES_KEY_WRAP_PAD", wrapped: b64(test.wrapped!) })).toEqual({ key: b64(test.key!) });
  });

  it.each(hexVectors("aes-kwp-wycheproof.json", ["key", "msg", "ct"]).map((test) => [test.tcId, test] as const))("Wycheproof tcId %s", async (_tcId, test) => {
    const id = await kek(test.key!);
    const alg = "CKM_AES_KEY_WRAP_PAD";
    if (test.result === "valid") {
      expect(await client.unwrap(id, { alg, wrapped: b64(test.ct!) })).toEqual({ key: b64(test.msg!) });
      if (test.msg !== "") expect(await client.wrap(id, { alg, key: b64(test.msg!) })).toEqual({ wrapped: b64(test.ct!) });
    } else if (test.ct !== "") {
      await expectBridgeError(client.unwrap(id, { alg, wrapped: b64(test.ct!) }), "BadParameter", 400);
    }
  });
});

describe("generated KEKs", () => {
  it.each([128, 192, 256] as const)("AES-%i wraps and unwraps 16 to 64 bytes", async (size) => {
    const { id } = await client.generateKey({ kty: "oct", size });
    for (const length of [16, 24, 32, 64]) {
      const material = randomBytes(length);
      const { wrapped } = await client.wrap(id, { alg: `A${size}KW` as AesWrapAlgorithm, key: b64(material) });
      expect(bytesOf(wrapped)).toHaveLength(length + 8);
      expect(bytesOf((await client.unwrap(id, { alg: `A${size}KW` as AesWrapAlgorithm, wrapped })).key).equals(material)).toBe(true);
    }
  });
});

describe("RSA wrap", () => {
  let rsa: KeyInfo;
  const NODE: Record<RsaCipherAlgorithm, { padding: number; oaepHash?: string }> = {
    RSA1_5: { padding: constants.RSA_PKCS1_PADDING },
    "RSA-OAEP": { padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha1" },
    "RSA-OAEP-256": { padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256" },
  };

  beforeAll(async () => {
    rsa = await client.generateKey({ kty: "RSA", size: 2048 });
  });

  it.each(["RSA1_5", "RSA-OAEP", "RSA-OAEP-256"] as const)("%s: node:crypto wraps, the bridge unwraps; the bridge's wrap unwraps too", async (alg) => {
    if (rsa.kty !== "RSA") throw new Error("RSA expected");
    const material = randomBytes(32);
    const wrapped = publicEncrypt({ key: nodePublicKey(rsa.publicJwk), ...NODE[alg] }, material);
    expect(bytesOf((await client.unwrap(rsa.id, { alg, wrapped: b64(wrapped) })).key).equals(material)).toBe(true);
    const own = await client.wrap(rsa.id, { alg, key: b64(material) });
    expect(bytesOf((await client.unwrap(rsa.id, { alg, wrapped: own.wrapped })).key).equals(material)).toBe(true);
  });

  it("refuses AES-KW with an RSA key and RSA wrap with an AES key", async () => {
    await expectBridgeError(client.wrap(rsa.id, { alg: "A256KW", key: b64(randomBytes(32)) }), "BadParameter", 400);
    const aes = await client.generateKey({ kty: "oct", size: 256 });
    await expectBridgeError(client.wrap(aes.id, { alg: "RSA-OAEP", key: b64(randomBytes(32)) }), "BadParameter", 400);
  });
});
