/**
 * RSA decrypt (RSA1_5, RSA-OAEP, RSA-OAEP-256) and RSA encrypt. Ciphertexts made by node:crypto decrypt in the
 * bridge; Wycheproof's vectors run against their own keys, imported into the token; every failure is the one
 * generic answer, so the bridge is no padding oracle.
 */
import { constants, publicEncrypt, randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { BridgeClient, KeyInfo, RsaCipherAlgorithm } from "../../core/hsm/bridge-client/index.ts";
import { b64, bytesOf, hmacClient, rawCall } from "./support/clients.ts";
import { expectBridgeError } from "./support/expect-failure.ts";
import { nodePublicKey } from "./support/node-keys.ts";
import { rsaDecryptVectors } from "./support/vectors.ts";

const NODE_PADDING: Record<RsaCipherAlgorithm, { padding: number; oaepHash?: string }> = {
  RSA1_5: { padding: constants.RSA_PKCS1_PADDING },
  "RSA-OAEP": { padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha1" },
  "RSA-OAEP-256": { padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256" },
};
const ALGORITHMS = Object.keys(NODE_PADDING) as RsaCipherAlgorithm[];
const GENERIC = { error: { code: "BadParameter", message: "decryption failed" } };

let client: BridgeClient;
let key: KeyInfo;

beforeAll(async () => {
  client = await hmacClient();
  key = await client.generateKey({ kty: "RSA", size: 2048 });
});

function encryptWithNode(alg: RsaCipherAlgorithm, plaintext: Buffer): Buffer {
  if (key.kty !== "RSA") throw new Error("RSA expected");
  return publicEncrypt({ key: nodePublicKey(key.publicJwk), ...NODE_PADDING[alg] }, plaintext);
}

describe("decrypt what node:crypto encrypted", () => {
  it.each(ALGORITHMS)("%s", async (alg) => {
    for (const length of [0, 1, 32, 190]) {
      const plaintext = randomBytes(length);
      const ciphertext = encryptWithNode(alg, plaintext);
      const { plaintext: out } = await client.decrypt(key.id, { alg, ciphertext: b64(ciphertext) });
      expect(bytesOf(out).equals(plaintext), `${alg} ${length} bytes`).toBe(true);
    }
  });

  it("decrypts OAEP-256 and OAEP-SHA1 concurrently without mixing sessions", async () => {
    const inputs = Array.from({ length: 24 }, (_, index) => {
      const alg: RsaCipherAlgorithm = index % 2 === 0 ? "RSA-OAEP-256" : "RSA-OAEP";
      const plaintext = randomBytes(16);
      return { alg, plaintext, ciphertext: encryptWithNode(alg, plaintext) };
    });
    const outputs = await Promise.all(inputs.map(({ alg, ciphertext }) => client.decrypt(key.id, { alg, ciphertext: b64(ciphertext) })));
    outputs.forEach((output, index) => expect(bytesOf(output.plaintext).equals(inputs[index]!.plaintext)).toBe(true));
  });
});

describe("encrypt in the bridge, decrypt in the bridge", () => {
  it.each(ALGORITHMS)("%s round-trips, and encryption is randomized", async (alg) => {
    const plaintext = randomBytes(32);
    const first = await client.encrypt(key.id, { alg, plaintext: b64(plaintext) });
    const second = await client.encrypt(key.id, { alg, plaintext: b64(plaintext) });
    expect(first.ciphertext).not.toBe(second.ciphertext);
    expect(bytesOf(first.ciphertext)).toHaveLength(256);
    const { plaintext: out } = await client.decrypt(key.id, { alg, ciphertext: first.ciphertext });
    expect(bytesOf(out).equals(plaintext)).toBe(true);
  });
});

describe("the empty message", () => {
  it.each(ALGORITHMS)("%s encrypts and decrypts it (pkcs11js cannot pass it to the token; the bridge encrypts it itself)", async (alg) => {
    const sealed = await client.encrypt(key.id, { alg, plaintext: "" });
    expect(bytesOf(sealed.ciphertext)).toHaveLength(256);
    expect(await client.decrypt(key.id, { alg, ciphertext: sealed.ciphertext })).toEqual({ plaintext: "" });
  });
});

describe("one generic failure (docs/decisions.md §6.4)", () => {
  it("answers tampered, truncated, wrong-algorithm and empty ciphertexts identically", async () => {
    const good = encryptWithNode("RSA-OAEP-256", randomBytes(16));
    const tampered = Buffer.from(good);
    tampered[100] = (tampered[100] ?? 0) ^ 1;
    const cases: Array<{ alg: RsaCipherAlgorithm; ciphertext: Buffer }> = [
      { alg: "RSA-OAEP-256", ciphertext: tampered },
      { alg: "RSA-OAEP-256", ciphertext: good.subarray(1) },
      { alg: "RSA-OAEP", ciphertext: good },
      { alg: "RSA1_5", ciphertext: good },
      { alg: "RSA-OAEP-256", ciphertext: Buffer.alloc(256) },
      { alg: "RSA-OAEP", ciphertext: Buffer.alloc(0) },
    ];
    for (const { alg, ciphertext } of cases) {
      const answer = await rawCall({ method: "POST", path: `/keys/${key.id}/decrypt`, body: { alg, ciphertext: b64(ciphertext) } });
      expect({ status: answer.status, body: answer.json }, alg).toEqual({ status: 400, body: GENERIC });
    }
  });
});

describe.each([
  { file: "rsa-oaep-sha256-wycheproof.json", alg: "RSA-OAEP-256" as const },
  { file: "rsa-oaep-sha1-wycheproof.json", alg: "RSA-OAEP" as const },
  { file: "rsa-pkcs1-decrypt-wycheproof.json", alg: "RSA1_5" as const },
])("Wycheproof $file on its own key, imported into the token", ({ file, alg }) => {
  const vectors = rsaDecryptVectors(file);
  let imported: KeyInfo;

  beforeAll(async () => {
    imported = await client.importKey({ jwk: vectors.privateKeyJwk });
    expect(imported).toMatchObject({ kty: "RSA", size: 2048, publicJwk: { n: vectors.privateKeyJwk.n, e: vectors.privateKeyJwk.e } });
  });

  it.each(vectors.tests.map((test) => [test.tcId, test] as const))("tcId %i", async (_tcId, test) => {
    const call = client.decrypt(imported.id, { alg, ciphertext: b64(test.ct) });
    if (test.result === "valid") {
      expect((await call).plaintext).toBe(b64(test.msg));
    } else {
      // "labelled": valid only with a non-empty OAEP label, which Azure's API cannot carry, so it must fail.
      const error = await expectBridgeError(call, "BadParameter", 400);
      expect(error.message).toBe("decryption failed");
    }
  });
});

describe("input checks", () => {
  it("refuses AES fields on RSA and RSA algorithms on AES keys", async () => {
    const ciphertext = b64(encryptWithNode("RSA-OAEP", Buffer.from("x")));
    await expectBridgeError(client.decrypt(key.id, { alg: "RSA-OAEP", ciphertext, iv: b64(randomBytes(16)) }), "BadParameter", 400);
    const aes = await client.generateKey({ kty: "oct", size: 256 });
    await expectBridgeError(client.encrypt(aes.id, { alg: "RSA-OAEP", plaintext: "AA" }), "BadParameter", 400);
    await expectBridgeError(client.encrypt(key.id, { alg: "A256GCM", plaintext: "AA" }), "BadParameter", 400);
  });

  it("refuses a plaintext too long for the key", async () => {
    await expectBridgeError(client.encrypt(key.id, { alg: "RSA-OAEP-256", plaintext: b64(randomBytes(191)) }), "BadParameter", 400);
    await expectBridgeError(client.encrypt(key.id, { alg: "RSA1_5", plaintext: b64(randomBytes(246)) }), "BadParameter", 400);
  });
});
