/**
 * HMAC keys (oct, purpose "hmac": generic secrets on the token) and HS256/384/512. Keys of known value are imported
 * so node:crypto computes the same MAC: the bridge MACs the DIGEST it is given (Azure signs digests), so the
 * expected value is HMAC(key, SHA-x(message)). Generated keys are checked through a worker that never saw them,
 * which has to find their purpose and size on the token. RFC 7518 §3.2: a key shorter than the hash is refused.
 */
import { createHash, createHmac, randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BridgeClient, HmacKeySize, KeyInfo, SignAlgorithm } from "../../core/hsm/bridge-client/index.ts";
import { bridgeFacts } from "./support/bridge-facts.ts";
import { b64, bytesOf, hmacClient, hmacCredentialsForTests, rawCall } from "./support/clients.ts";
import { expectBridgeError } from "./support/expect-failure.ts";
import { pinnedToDistinctWorkers, type PinnedConnection } from "./support/pinned-connection.ts";

type NodeHash = "sha256" | "sha384" | "sha512";

const SIZES = [256, 384, 512] as const satisfies readonly HmacKeySize[];
const ALGORITHMS: ReadonlyArray<{ alg: SignAlgorithm; hash: NodeHash; bits: number }> = [
  { alg: "HS256", hash: "sha256", bits: 256 },
  { alg: "HS384", hash: "sha384", bits: 384 },
  { alg: "HS512", hash: "sha512", bits: 512 },
];

let client: BridgeClient;
const imported = new Map<HmacKeySize, { id: string; value: Buffer }>();

beforeAll(async () => {
  client = await hmacClient();
  for (const size of SIZES) {
    // Known bytes, different for every size, so a MAC under the wrong key cannot pass.
    const value = Buffer.from(Array.from({ length: size / 8 }, (_, i) => (i * 7 + size) & 0xff));
    const key = await client.importKey({ jwk: { kty: "oct", k: b64(value) }, purpose: "hmac" });
    expect(key).toEqual({ id: key.id, kty: "oct", size, purpose: "hmac" });
    imported.set(size, { id: key.id, value });
  }
});

function importedKey(size: HmacKeySize): { id: string; value: Buffer } {
  const key = imported.get(size);
  if (key === undefined) throw new Error("not imported");
  return key;
}

describe.each(SIZES)("an imported %i-bit HMAC key", (size) => {
  it.each(ALGORITHMS.filter(({ bits }) => bits <= size))("$alg equals node:crypto's HMAC over the digest", async ({ alg, hash, bits }) => {
    const { id, value } = importedKey(size);
    for (const message of [randomBytes(100), Buffer.alloc(0)]) {
      const digest = createHash(hash).update(message).digest();
      const { signature } = await client.sign(id, { alg, digest: b64(digest) });
      const mac = bytesOf(signature);
      expect(mac).toHaveLength(bits / 8);
      expect(mac.equals(createHmac(hash, value).update(digest).digest())).toBe(true);
    }
  });

  it.each(ALGORITHMS.filter(({ bits }) => bits > size))("$alg is refused: the key is shorter than the hash (RFC 7518 §3.2)", async ({ alg, hash }) => {
    const digest = createHash(hash).update("message").digest();
    const error = await expectBridgeError(client.sign(importedKey(size).id, { alg, digest: b64(digest) }), "BadParameter", 400);
    expect(error.message).toMatch(/at least/);
  });

  it("GET /keys/{id} reports it as imported", async () => {
    const { id } = importedKey(size);
    expect(await client.getKey(id)).toEqual({ id, kty: "oct", size, purpose: "hmac" });
  });
});

describe("generated HMAC keys", () => {
  let workers: PinnedConnection[] = [];

  beforeAll(async () => {
    workers = await pinnedToDistinctWorkers(bridgeFacts().url, await hmacCredentialsForTests(), 2);
  });

  afterAll(() => {
    for (const worker of workers) worker.close();
  });

  it.each(SIZES)("%i bits: KeyInfo says so, and a worker that never saw the key reads the same from the token", async (size) => {
    const [maker, other] = workers as [PinnedConnection, PinnedConnection];
    const created = await maker.call({ method: "POST", path: "/keys", body: { kty: "oct", size, purpose: "hmac" } });
    expect(created.status).toBe(201);
    const key = created.json as KeyInfo;
    expect(key).toEqual({ id: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/), kty: "oct", size, purpose: "hmac" });
    const fresh = await other.call({ method: "GET", path: `/keys/${key.id}` });
    expect(fresh.json).toEqual(key);
    // Deterministic, of the hash's length, the same from either worker; no public half.
    const digest = b64(randomBytes(32));
    const [first, second] = await Promise.all(
      [maker, other].map((worker) => worker.call({ method: "POST", path: `/keys/${key.id}/sign`, body: { alg: "HS256", digest } })),
    );
    expect(first?.json).toEqual(second?.json);
    expect(bytesOf((first?.json as { signature: string }).signature)).toHaveLength(32);
    await expectBridgeError(client.publicKey(key.id), "BadParameter", 400);
  });

  it("an idempotent generate answers the same key again; delete removes it", async () => {
    const idempotencyKey = randomUUID();
    const key = await client.generateKey({ kty: "oct", size: 384, purpose: "hmac" }, idempotencyKey);
    expect(await client.generateKey({ kty: "oct", size: 384, purpose: "hmac" }, idempotencyKey)).toEqual(key);
    const other = await rawCall({ method: "POST", path: "/keys", body: { kty: "oct", size: 256, purpose: "aes" }, idempotencyKey });
    expect(other.status).toBe(422);
    expect(await client.deleteKey(key.id)).toEqual({ id: key.id, deleted: true });
    await expectBridgeError(client.getKey(key.id), "KeyNotFound", 404);
  });
});

describe("what an HMAC key is not for, and what is not an HMAC key", () => {
  it("refuses a digest whose length is not the hash's", async () => {
    const { id } = importedKey(512);
    for (const [alg, bytes] of [["HS256", 48], ["HS256", 31], ["HS384", 32], ["HS512", 48]] as const) {
      const error = await expectBridgeError(client.sign(id, { alg, digest: b64(randomBytes(bytes)) }), "BadParameter", 400);
      expect(error.message, `${alg} with ${bytes} bytes`).toMatch(/digest must be/);
    }
  });

  it("refuses HS* with an AES key or an EC key, and RS*/ES* with an HMAC key", async () => {
    const digest = b64(randomBytes(32));
    const aes = await client.generateKey({ kty: "oct", size: 256 });
    const aesError = await expectBridgeError(client.sign(aes.id, { alg: "HS256", digest }), "BadParameter", 400);
    expect(aesError.message).toMatch(/HMAC key/);
    const ec = await client.generateKey({ kty: "EC", curve: "P-256" });
    await expectBridgeError(client.sign(ec.id, { alg: "HS256", digest }), "BadParameter", 400);
    const { id } = importedKey(256);
    for (const alg of ["RS256", "PS256", "ES256", "RSNULL"] as const) {
      await expectBridgeError(client.sign(id, { alg, digest }), "BadParameter", 400);
    }
  });

  it("refuses every AES operation with an HMAC key, naming AES", async () => {
    const { id } = importedKey(256);
    const calls = [
      () => client.encrypt(id, { alg: "A256GCM", plaintext: b64(randomBytes(16)) }),
      () => client.encrypt(id, { alg: "A256CBCPAD", plaintext: b64(randomBytes(16)) }),
      () => client.decrypt(id, { alg: "A256CBC", ciphertext: b64(randomBytes(16)), iv: b64(randomBytes(16)) }),
      () => client.wrap(id, { alg: "A256KW", key: b64(randomBytes(32)) }),
      () => client.wrap(id, { alg: "CKM_AES_KEY_WRAP_PAD", key: b64(randomBytes(20)) }),
      () => client.unwrap(id, { alg: "CKM_AES_KEY_WRAP", wrapped: b64(randomBytes(40)) }),
    ];
    for (const call of calls) {
      const error = await expectBridgeError(call(), "BadParameter", 400);
      expect(error.message).toMatch(/needs an AES key/);
    }
    await expectBridgeError(client.encrypt(id, { alg: "RSA-OAEP", plaintext: b64(randomBytes(16)) }), "BadParameter", 400);
  });

  it("imports only 256-, 384- and 512-bit HMAC keys", async () => {
    for (const bytes of [16, 20, 24, 40, 65, 128]) {
      const error = await expectBridgeError(client.importKey({ jwk: { kty: "oct", k: b64(randomBytes(bytes)) }, purpose: "hmac" }), "BadParameter", 400);
      expect(error.message, `${bytes} bytes`).toBe("HMAC keys are 256, 384 or 512 bits");
    }
    // Without a purpose an oct key is AES, whose sizes stop at 256 bits.
    await expectBridgeError(client.importKey({ jwk: { kty: "oct", k: b64(randomBytes(64)) } }), "BadParameter", 400);
  });
});

describe("request checks for purpose", () => {
  it.each([
    { kty: "oct", size: 128, purpose: "hmac" },
    { kty: "oct", size: 1024, purpose: "hmac" },
    { kty: "oct", size: 512, purpose: "aes" },
    { kty: "oct", size: 256, purpose: "des" },
    { kty: "oct", size: 256, purpose: null },
    { kty: "RSA", size: 2048, purpose: "hmac" },
    { kty: "EC", curve: "P-256", purpose: "aes" },
  ])("POST /keys refuses %j, naming the field", async (body) => {
    const answer = await rawCall({ method: "POST", path: "/keys", body });
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ error: { code: "BadParameter", message: expect.stringMatching(/^(size|purpose) /) } });
  });

  it("POST /keys/import refuses an unknown purpose, and any purpose on an EC key", async () => {
    const unknown = await rawCall({ method: "POST", path: "/keys/import", body: { jwk: { kty: "oct", k: b64(randomBytes(32)) }, purpose: "HMAC" } });
    expect(unknown.json).toEqual({ error: { code: "BadParameter", message: "purpose must be one of aes, hmac" } });
    const ec = await rawCall({
      method: "POST",
      path: "/keys/import",
      body: { jwk: { kty: "EC", crv: "P-256", x: b64(randomBytes(32)), y: b64(randomBytes(32)), d: b64(randomBytes(32)) }, purpose: "aes" },
    });
    expect(ec.json).toEqual({ error: { code: "BadParameter", message: "purpose is for oct keys only" } });
  });

  it("purpose \"aes\" sent or left out makes the same AES key", async () => {
    const value = randomBytes(16);
    for (const purpose of ["aes", undefined] as const) {
      const key = await client.importKey({ jwk: { kty: "oct", k: b64(value) }, ...(purpose === undefined ? {} : { purpose }) });
      expect(key).toEqual({ id: key.id, kty: "oct", size: 128, purpose: "aes" });
    }
    expect(await client.generateKey({ kty: "oct", size: 192, purpose: "aes" })).toMatchObject({ kty: "oct", size: 192, purpose: "aes" });
  });
});
