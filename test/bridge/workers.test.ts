/**
 * The bridge as a cluster (`workers: 2`): every request may reach either worker, so the security promises must hold
 * across them — a request replayed to the other worker is refused, an idempotent create retried on the other worker
 * gets the first answer (or 409 while it runs), a key made by one is usable by the other and, once deleted by one,
 * refused by the other. Start-up fails if a worker cannot start; stopping ends every worker; losing one stops the
 * bridge. Connections are pinned to workers (support/pinned-connection.ts). Own token and bridge processes.
 */
import { createHash, randomBytes, randomUUID, verify } from "node:crypto";
import { readdir, readFile, rm, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hmacCredentials, signRequest, type BridgeCredentials, type KeyInfo } from "../../core/hsm/bridge-client/index.ts";
import { startBridgeProcess, type BridgeProcess } from "./support/bridge-process.ts";
import { b64 } from "./support/clients.ts";
import { nodePublicKey } from "./support/node-keys.ts";
import { pinnedToDistinctWorkers, type PinnedConnection } from "./support/pinned-connection.ts";
import { createTokenDir, type TokenDir } from "./support/token-dir.ts";

let dir: string;
let token: TokenDir;
let credentials: BridgeCredentials;
let bridge: BridgeProcess;
let a: PinnedConnection;
let b: PinnedConnection;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "edge-vault-bridge-workers-"));
  token = await createTokenDir(dir, "workers-tests", 2);
  credentials = await hmacCredentials("vault", token.hmacSecret);
  bridge = await startBridgeProcess(token.configPath);
  [a, b] = (await pinnedToDistinctWorkers(bridge.url, credentials, 2)) as [PinnedConnection, PinnedConnection];
});

afterAll(async () => {
  a?.close();
  b?.close();
  await bridge?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** Processes whose command line names this config file: the primary and its workers. */
async function processesUsing(configPath: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const commandLine = await readFile(`/proc/${entry}/cmdline`, "utf8").catch(() => "");
    if (commandLine.includes(configPath)) pids.push(Number(entry));
  }
  return pids;
}

async function until(condition: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("two workers", () => {
  it("are two processes, each with its own sessions, on one port", async () => {
    expect(a.pid).not.toBe(b.pid);
    expect(a.pid).not.toBe(bridge.pid);
    const health = (await b.call({ method: "GET", path: "/health" })).json;
    expect(health).toMatchObject({ process: { pid: b.pid, workers: 2 }, sessions: { size: 4 } });
  });

  it("refuse a request replayed to the other worker, in either order", async () => {
    for (const [first, second] of [[a, b], [b, a]] as const) {
      const { headers } = await signRequest(credentials, { method: "GET", path: "/health", body: new Uint8Array(0) }, Date.now());
      expect((await first.call({ method: "GET", path: "/health", headers })).status).toBe(200);
      const replay = await second.call({ method: "GET", path: "/health", headers });
      expect(replay.status).toBe(401);
      expect(replay.json).toEqual({ error: { code: "Unauthorized", message: "nonce already used" } });
    }
  });

  it("give an idempotent create retried on the other worker the first answer, and nothing new", async () => {
    const idempotencyKey = randomUUID();
    const body = { kty: "EC", curve: "P-256" };
    const first = await a.call({ method: "POST", path: "/keys", body, idempotencyKey });
    const retry = await b.call({ method: "POST", path: "/keys", body, idempotencyKey });
    expect(first.status).toBe(201);
    expect(retry.text).toBe(first.text);
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    const other = await b.call({ method: "POST", path: "/keys", body: { kty: "EC", curve: "P-384" }, idempotencyKey });
    expect(other.status).toBe(422);
  });

  it("answer 409 on the other worker while the first still runs, then the first answer", async () => {
    const idempotencyKey = randomUUID();
    const body = { kty: "RSA", size: 4096 }; // seconds in SoftHSM2: long enough to overlap
    const slow = a.call({ method: "POST", path: "/keys", body, idempotencyKey });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const during = await b.call({ method: "POST", path: "/keys", body, idempotencyKey });
    expect(during.status).toBe(409);
    const first = await slow;
    expect(first.status).toBe(201);
    expect((await b.call({ method: "POST", path: "/keys", body, idempotencyKey })).text).toBe(first.text);
  });

  it("share the token: a key made by one signs on the other; deleted by one, it is gone on the other", async () => {
    const made = await a.call({ method: "POST", path: "/keys", body: { kty: "EC", curve: "P-256K" }, idempotencyKey: randomUUID() });
    const key = made.json as KeyInfo;
    if (key.kty !== "EC") throw new Error("EC key expected");
    for (const worker of [b, a]) {
      const message = randomBytes(40);
      const digest = createHash("sha256").update(message).digest();
      const signed = await worker.call({ method: "POST", path: `/keys/${key.id}/sign`, body: { alg: "ES256K", digest: b64(digest) } });
      const signature = Buffer.from((signed.json as { signature: string }).signature, "base64url");
      expect(verify("sha256", message, { key: nodePublicKey(key.publicJwk), dsaEncoding: "ieee-p1363" }, signature)).toBe(true);
    }
    // Both workers now hold the key's handles in their caches; the delete runs on one of them only.
    expect((await a.call({ method: "DELETE", path: `/keys/${key.id}`, idempotencyKey: randomUUID() })).status).toBe(200);
    const sign = { alg: "ES256K", digest: b64(randomBytes(32)) };
    for (const worker of [b, a]) {
      const refused = await worker.call({ method: "POST", path: `/keys/${key.id}/sign`, body: sign });
      expect(refused.status).toBe(404);
      expect(refused.json).toMatchObject({ error: { code: "KeyNotFound" } });
    }
  });
});

describe("the cluster's life", () => {
  it("fails start-up when a worker cannot start (wrong PIN), and leaves no worker behind", async () => {
    const config = JSON.parse(await readFile(token.configPath, "utf8")) as Record<string, unknown> & { token: Record<string, unknown> };
    const badPath = join(dir, "bad-pin.json");
    await writeFile(badPath, JSON.stringify({ ...config, token: { ...config.token, pin: "not-the-pin" } }));
    await expect(startBridgeProcess(badPath)).rejects.toThrow(/exited \(1\) before listening[\s\S]*a bridge worker exited before it listened/);
    expect(await processesUsing(badPath)).toEqual([]);
  });

  it("stops every worker on SIGTERM; stops as a whole, exit code 1, when a worker is lost", async () => {
    // A copy of the config under its own name, so its processes are told apart from the shared cluster's.
    const lifePath = join(dir, "life.json");
    await writeFile(lifePath, await readFile(token.configPath));

    const stopped = await startBridgeProcess(lifePath);
    expect(await processesUsing(lifePath)).toHaveLength(3);
    await stopped.stop();
    expect(await stopped.exited).toBe("0");
    await until(async () => (await processesUsing(lifePath)).length === 0);

    const wounded = await startBridgeProcess(lifePath);
    const [victim, survivor] = (await pinnedToDistinctWorkers(wounded.url, credentials, 2)) as [PinnedConnection, PinnedConnection];
    victim.close();
    survivor.close();
    process.kill(victim.pid, "SIGKILL");
    expect(await wounded.exited).toBe("1");
    expect(wounded.log()).toMatch(/bridge worker lost/);
    await until(async () => (await processesUsing(lifePath)).length === 0);
  });
});
