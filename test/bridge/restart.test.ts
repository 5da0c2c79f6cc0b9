/**
 * Keys live on the token, not in the bridge: a bridge stopped and started again on the same token finds every key
 * by its id, signs with the same private and HMAC keys, decrypts what the first process encrypted, and still
 * recognises an idempotent generate it answered before. A request captured before the restart cannot be replayed after it.
 * Runs its own token and bridge processes, apart from the shared ones, as one process each (`workers: 1`); the
 * shared bridge is a cluster.
 */
import { createHash, randomBytes, randomUUID, verify } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BridgeClient, hmacCredentials, signRequest, type BridgeCredentials, type EncryptResponse, type KeyInfo } from "../../core/hsm/bridge-client/index.ts";
import { startBridgeProcess, type BridgeProcess } from "./support/bridge-process.ts";
import { b64, bytesOf, rawCall, send } from "./support/clients.ts";
import { nodePublicKey } from "./support/node-keys.ts";
import { createTokenDir, type TokenDir } from "./support/token-dir.ts";

let dir: string;
let token: TokenDir;
let credentials: BridgeCredentials;
let running: BridgeProcess | undefined;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "edge-vault-bridge-restart-"));
  token = await createTokenDir(dir, "restart-tests", 1);
  credentials = await hmacCredentials("vault", token.hmacSecret);
});

afterAll(async () => {
  await running?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe("a bridge restart", () => {
  it("keeps every key, usable by id, and the idempotency of an earlier generate", async () => {
    running = await startBridgeProcess(token.configPath);
    let client = new BridgeClient({ baseUrl: running.url, credentials });
    const rsa = await client.generateKey({ kty: "RSA", size: 2048 });
    const ec = await client.generateKey({ kty: "EC", curve: "P-256K" });
    const aes = await client.generateKey({ kty: "oct", size: 256 });
    const plaintext = randomBytes(40);
    const sealed: EncryptResponse = await client.encrypt(aes.id, { alg: "A256GCM", plaintext: b64(plaintext) });
    const idempotencyKey = randomUUID();
    const remembered = await client.generateKey({ kty: "EC", curve: "P-384" }, idempotencyKey);
    const hmacIdempotencyKey = randomUUID();
    const hmac = await client.generateKey({ kty: "oct", size: 384, purpose: "hmac" }, hmacIdempotencyKey);
    const digest = b64(randomBytes(48));
    const mac = await client.sign(hmac.id, { alg: "HS384", digest });
    const firstUrl = running.url;
    const capturedAt = Date.now();
    const captured = await signRequest(credentials, { method: "GET", path: "/health", body: new Uint8Array(0) }, capturedAt);

    await running.stop();
    await expect(fetch(`${firstUrl}/health`)).rejects.toThrow();
    // Timestamps are whole seconds: the new process must start in a later second than the capture to tell them apart.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, (Math.floor(capturedAt / 1000) + 1) * 1000 - Date.now())));
    running = await startBridgeProcess(token.configPath);
    client = new BridgeClient({ baseUrl: running.url, credentials });

    for (const key of [rsa, ec, aes, remembered, hmac]) expect(await client.getKey(key.id)).toEqual(key);
    await expectSignatureVerifies(client, rsa, "RS256");
    await expectSignatureVerifies(client, ec, "ES256K");
    const opened = await client.decrypt(aes.id, { alg: "A256GCM", ciphertext: sealed.ciphertext, iv: sealed.iv ?? "", tag: sealed.tag ?? "" });
    expect(bytesOf(opened.plaintext).equals(plaintext)).toBe(true);
    // The in-memory answer is gone, but the key is marked on the token: the retry finds it instead of a second key.
    expect(await client.generateKey({ kty: "EC", curve: "P-384" }, idempotencyKey)).toEqual(remembered);
    // The same for an HMAC key, whose MAC is deterministic: the same key, not merely one of the same kind.
    expect(await client.generateKey({ kty: "oct", size: 384, purpose: "hmac" }, hmacIdempotencyKey)).toEqual(hmac);
    expect(await client.sign(hmac.id, { alg: "HS384", digest })).toEqual(mac);

    const replay = await send(running.url, "GET", "/health", captured.headers, new Uint8Array(0));
    expect(replay.status).toBe(401);
    expect(replay.json).toMatchObject({ error: { code: "Unauthorized", message: expect.stringMatching(/before the bridge started/) } });
    expect((await rawCall({ method: "GET", path: "/health", credentials, url: running.url })).status).toBe(200);
  });
});

async function expectSignatureVerifies(client: BridgeClient, key: KeyInfo, alg: "RS256" | "ES256K"): Promise<void> {
  if (key.kty === "oct") throw new Error("asymmetric key expected");
  const message = randomBytes(50);
  const digest = createHash("sha256").update(message).digest();
  const { signature } = await client.sign(key.id, { alg, digest: b64(digest) });
  const publicKey = alg === "ES256K" ? { key: nodePublicKey(key.publicJwk), dsaEncoding: "ieee-p1363" as const } : nodePublicKey(key.publicJwk);
  expect(verify("sha256", message, publicKey, bytesOf(signature))).toBe(true);
}
