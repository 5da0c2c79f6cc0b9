/**
 * The channel endpoint (docs/hsm-channel.md) on the real bridge and token: the vault's client works over it as over
 * HTTP — answers checked by node:crypto, the bridge's errors, idempotency shared with HTTP — calls made together
 * travel as one frame, and a channel cut mid-batch answers every caller once and resends nothing. Then the
 * handshake and frame checks: unsigned, mis-signed, stale or replayed OPENs, tampered, replayed or early frames
 * all close the connection before anything runs.
 */
import { createHash, randomBytes, randomUUID, verify } from "node:crypto";
import { request } from "node:http";
import { describe, expect, it } from "vitest";
import { BridgeError, ed25519Credentials, hmacCredentials, type KeyInfo } from "../../core/hsm/bridge-client/index.ts";
import { FRAME_KIND } from "../../core/hsm/channel/channel-protocol.ts";
import { decodeAnswers, decodeBatch, encodeBatch } from "../../core/hsm/channel/operation-codec.ts";
import { bridgeFacts } from "./support/bridge-facts.ts";
import { channelClient, handshake, RawChannel, signedOpen } from "./support/channel-clients.ts";
import { b64, bytesOf, ed25519Client, hmacCredentialsForTests, rawCall } from "./support/clients.ts";
import { expectBridgeError } from "./support/expect-failure.ts";
import { nodePublicKey } from "./support/node-keys.ts";

const digestOf = (text: string) => createHash("sha256").update(text).digest();
/** A sealed frame's payload: after kind and sequence number, before the 32-byte tag. */
const payloadOf = (frame: Uint8Array) => frame.subarray(5, frame.length - 32);

function verifies(key: KeyInfo, message: string, signature: string): boolean {
  if (key.kty === "oct") return false;
  return verify("sha256", Buffer.from(message), nodePublicKey(key.publicJwk), bytesOf(signature));
}

describe("the vault's client over the channel", () => {
  it("makes keys and signs, answers the bridge's errors as over HTTP, and shares idempotent answers with HTTP", async () => {
    const { client, transport } = await channelClient();
    const key = await client.generateKey({ kty: "RSA", size: 2048 });
    const { signature } = await client.sign(key.id, { alg: "RS256", digest: b64(digestOf("over the channel")) });
    expect(verifies(key, "over the channel", signature)).toBe(true);
    expect((await client.random(32)).bytes).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await expectBridgeError(client.sign(b64(randomBytes(16)), { alg: "RS256", digest: b64(digestOf("x")) }), "KeyNotFound", 404);
    await expectBridgeError(client.call("POST", "/nowhere", {}), "NotFound", 404);

    const idempotencyKey = randomUUID();
    const made = await client.generateKey({ kty: "EC", curve: "P-256" }, idempotencyKey);
    const again = await rawCall({ method: "POST", path: "/keys", body: { kty: "EC", curve: "P-256" }, idempotencyKey });
    expect(again.json).toEqual(made);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    transport.close();
  });

  it("Ed25519 credentials open a channel too", async () => {
    const http = await ed25519Client();
    const facts = bridgeFacts();
    const { client, transport } = await channelClient(await ed25519Credentials(facts.ed25519KeyId, facts.ed25519ClientPkcs8, facts.ed25519BridgePublicKey));
    expect((await client.random(8)).bytes).toHaveLength(11);
    expect((await http.random(8)).bytes).toHaveLength(11);
    transport.close();
  });

  it("calls made together go out as one frame, answered by the token's sessions in parallel", async () => {
    const { client, transport, sent } = await channelClient();
    const key = await client.generateKey({ kty: "EC", curve: "P-256" });
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => client.sign(key.id, { alg: "ES256", digest: b64(digestOf(`m${i}`)) })));
    expect(answers).toHaveLength(40);
    // OPEN, the generate, then the 40 signs in one frame.
    expect(sent[0]?.map((message) => message[0])).toEqual([FRAME_KIND.open, FRAME_KIND.batch, FRAME_KIND.batch]);
    expect(decodeBatch(payloadOf(sent[0]?.[2] ?? new Uint8Array(0)))).toHaveLength(40);
    transport.close();
  });

  it("a channel cut mid-batch: every caller answered once, signed or BridgeUnreachable; nothing resent; the next call opens anew", async () => {
    const { client, transport, opened, sent } = await channelClient();
    const key = await client.generateKey({ kty: "RSA", size: 3072 });
    const first = opened[0];
    // Cut the connection the moment the first answers of the batch arrive: the rest are still on the token.
    first?.socket.once("data", () => first.socket.destroy());
    const calls = Array.from({ length: 24 }, (_, i) =>
      client.sign(key.id, { alg: "RS256", digest: b64(digestOf(`cut ${i}`)) }).then(
        ({ signature }) => (verifies(key, `cut ${i}`, signature) ? "signed" : "bad signature"),
        (error: unknown) => (error instanceof BridgeError ? error.code : String(error)),
      ),
    );
    const outcomes = await Promise.all(calls);
    expect(new Set(outcomes)).toEqual(new Set(["signed", "BridgeUnreachable"]));

    const after = await client.sign(key.id, { alg: "RS256", digest: b64(digestOf("after")) });
    expect(verifies(key, "after", after.signature)).toBe(true);
    expect(opened).toHaveLength(2);
    // The new channel carried its OPEN and the one new call, nothing of the lost batch.
    expect(sent[1]?.slice(1).flatMap((frame) => decodeBatch(payloadOf(frame)))).toHaveLength(1);
    transport.close();
  });
});

describe("the channel's handshake and frames", () => {
  it("answers a good OPEN with ACCEPT, and a sealed batch with sealed answers", async () => {
    const { raw, sealer, opener } = await handshake(await hmacCredentialsForTests());
    raw.socket.send(sealer.seal(FRAME_KIND.batch, encodeBatch([{ id: 7, method: "POST", path: "/random", idempotencyKey: "", body: Buffer.from('{"count":4}') }])) ?? new Uint8Array(0));
    const frame = opener.open((await raw.message(1)) ?? new Uint8Array(0));
    expect(frame?.kind).toBe(FRAME_KIND.answers);
    const [answer] = decodeAnswers(frame?.payload ?? new Uint8Array(0));
    expect({ id: answer?.id, status: answer?.status }).toEqual({ id: 7, status: 200 });
    raw.socket.close(1000, "done");
  });

  it.each([
    ["signed with another secret", async () => (await signedOpen(await hmacCredentials(bridgeFacts().hmacKeyId, b64(randomBytes(32))))).bytes],
    ["signed a minute ago", async () => (await signedOpen(await hmacCredentialsForTests(), { timestamp: Math.floor(Date.now() / 1000) - 60 })).bytes],
    ["by an unknown key id", async () => (await signedOpen(await hmacCredentials("nobody", b64(randomBytes(32))))).bytes],
    ["not an OPEN at all", async () => new Uint8Array([FRAME_KIND.batch, 0, 0, 0, 1])],
  ])("refuses an OPEN %s: closed 1008, nothing accepted", async (_case, make) => {
    const raw = await RawChannel.connect();
    raw.socket.send(await make());
    expect(await raw.ended).toMatch(/^closed 1008 Unauthorized/);
    expect(raw.received).toEqual([]);
  });

  it("refuses a replayed OPEN (its nonce is remembered, as a request's is)", async () => {
    const open = await signedOpen(await hmacCredentialsForTests());
    const first = await RawChannel.connect();
    first.socket.send(open.bytes);
    expect((await first.message(0))?.[0]).toBe(FRAME_KIND.accept);
    const replay = await RawChannel.connect();
    replay.socket.send(open.bytes);
    expect(await replay.ended).toMatch(/nonce already used/);
    first.socket.close(1000, "done");
  });

  it("closes the channel on a tampered frame and on a replayed one, running neither", async () => {
    const credentials = await hmacCredentialsForTests();
    const batch = encodeBatch([{ id: 1, method: "POST", path: "/random", idempotencyKey: "", body: Buffer.from('{"count":4}') }]);
    const tampered = await handshake(credentials);
    const frame = tampered.sealer.seal(FRAME_KIND.batch, batch) ?? new Uint8Array(0);
    frame[frame.length - 1] = (frame[frame.length - 1] ?? 0) ^ 1;
    tampered.raw.socket.send(frame);
    expect(await tampered.raw.ended).toMatch(/^closed 1008/);
    expect(tampered.raw.received).toHaveLength(1); // the ACCEPT only

    const replayed = await handshake(credentials);
    const once = replayed.sealer.seal(FRAME_KIND.batch, batch) ?? new Uint8Array(0);
    replayed.raw.socket.send(once);
    expect(await replayed.raw.message(1)).toBeDefined();
    replayed.raw.socket.send(once);
    expect(await replayed.raw.ended).toMatch(/^closed 1008/);
    expect(replayed.raw.received).toHaveLength(2);
  });

  it("refuses upgrades elsewhere (404) and of another WebSocket version (426)", async () => {
    const url = bridgeFacts().url;
    const headers = { connection: "Upgrade", upgrade: "websocket" };
    const status = (path: string, version: string) =>
      new Promise<number>((resolve, reject) => {
        const req = request(`${url}${path}`, { headers: { ...headers, "sec-websocket-key": randomBytes(16).toString("base64"), "sec-websocket-version": version } });
        req.on("response", (response) => (response.resume(), resolve(response.statusCode ?? 0)));
        req.on("upgrade", (_response, socket) => (socket.destroy(), resolve(101)));
        req.on("error", reject);
        req.end();
      });
    expect(await status("/health", "13")).toBe(404);
    expect(await status("/channel", "12")).toBe(426);
    expect(await status("/channel", "13")).toBe(101);
  });
});
