/**
 * A bridge stopping with channels open (wasm-hsm/bridge/channel/channel-session.ts): it sends GOAWAY, answers every
 * operation already running, answers a batch that arrives after GOAWAY with 503 for each operation without running
 * any, then closes. So across a restart nothing is left half-done and nothing the vault sent has an unknown fate.
 * Runs its own token and a one-process bridge, apart from the shared ones.
 */
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hmacCredentials, type BridgeCredentials } from "../../core/hsm/bridge-client/index.ts";
import { FRAME_KIND } from "../../core/hsm/channel/channel-protocol.ts";
import { decodeAnswers, encodeBatch, type ChannelAnswer } from "../../core/hsm/channel/operation-codec.ts";
import { startBridgeProcess, type BridgeProcess } from "./support/bridge-process.ts";
import { handshake } from "./support/channel-clients.ts";
import { rawCall } from "./support/clients.ts";
import { createTokenDir, type TokenDir } from "./support/token-dir.ts";

let dir: string;
let token: TokenDir;
let credentials: BridgeCredentials;
let running: BridgeProcess | undefined;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "edge-vault-bridge-drain-"));
  token = await createTokenDir(dir, "drain-tests", 1);
  credentials = await hmacCredentials("vault", token.hmacSecret);
});

afterAll(async () => {
  await running?.stop();
  await rm(dir, { recursive: true, force: true });
});

const generate = (id: number, idempotencyKey: string) => ({
  id,
  method: "POST" as const,
  path: "/keys",
  idempotencyKey,
  body: Buffer.from(JSON.stringify({ kty: "RSA", size: 3072 })),
});

describe("a bridge stopping with a channel open", () => {
  it("GOAWAY, then answers what runs, refuses what comes after with 503 unrun, and closes", async () => {
    running = await startBridgeProcess(token.configPath);
    const { raw, sealer, opener } = await handshake(credentials, running.url);
    const keys = [randomUUID(), randomUUID()];
    // RSA-3072 generation runs for a good part of a second in SoftHSM2: still running when the stop comes.
    raw.socket.send(sealer.seal(FRAME_KIND.batch, encodeBatch(keys.map((key, i) => generate(i + 1, key)))) ?? new Uint8Array(0));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const stopped = running.stop();

    const frames: Array<{ kind: number; answers: ChannelAnswer[] }> = [];
    let lateSent = false;
    for (let index = 1; ; index += 1) {
      const message = await raw.message(index);
      if (message === undefined) break;
      const frame = opener.open(message);
      if (frame === undefined) throw new Error("a frame from the bridge failed its seal");
      frames.push({ kind: frame.kind, answers: frame.kind === FRAME_KIND.answers ? decodeAnswers(frame.payload) : [] });
      if (frame.kind === FRAME_KIND.goAway && !lateSent) {
        lateSent = true;
        raw.socket.send(sealer.seal(FRAME_KIND.batch, encodeBatch([generate(3, randomUUID())])) ?? new Uint8Array(0));
      }
    }
    expect(await raw.ended).toMatch(/^closed 1001/);
    await stopped;

    expect(frames.filter((frame) => frame.kind === FRAME_KIND.goAway)).toHaveLength(1);
    const answers = new Map(frames.flatMap((frame) => frame.answers).map((answer) => [answer.id, answer]));
    expect([...answers.keys()].sort()).toEqual([1, 2, 3]);
    expect([answers.get(1)?.status, answers.get(2)?.status]).toEqual([201, 201]);
    expect(answers.get(3)?.status).toBe(503);
    expect(JSON.parse(Buffer.from(answers.get(3)?.body ?? []).toString())).toMatchObject({ error: { code: "Unavailable" } });

    // The keys the drained batch made are on the token, and their idempotency keys find them after a restart.
    running = await startBridgeProcess(token.configPath);
    for (const [i, key] of keys.entries()) {
      const made = JSON.parse(Buffer.from(answers.get(i + 1)?.body ?? []).toString()) as { id: string };
      const retried = await rawCall({ method: "POST", path: "/keys", body: { kty: "RSA", size: 3072 }, idempotencyKey: key, credentials, url: running.url });
      expect((retried.json as { id: string }).id).toBe(made.id);
    }
  }, 120_000);
});
