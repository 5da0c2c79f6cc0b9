/**
 * Acknowledged writes survive `kill -9` of the whole dev server (docs/security.md, Crash). Runs its own dev server on
 * its own state directory; streams writes (new versions of a few secrets, new keys) from several clients, records every
 * write the server acknowledged, SIGKILLs the process group (wrangler, workerd and the HTTPS front) while writes are in
 * flight, starts the server again on the same state and checks: every acknowledged version is there with the value
 * sent; every version listed is readable and holds a value some client sent (an unacknowledged write is absent or
 * complete, never half there). Three rounds on one state directory, each checking all the rounds before it.
 */
import { randomBytes } from "node:crypto";
import { copyFile, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpsJson } from "../../scripts/dev/https-json.ts";
import { findFreePort } from "../../scripts/dev/port.ts";
import { startDevServer, type DevServer } from "../../scripts/dev/server.ts";
import { devServerFacts } from "./support/dev-server-facts.ts";
import { tokenResource } from "./support/raw-vault.ts";

const ROOT = resolve(fileURLToPath(new URL(".", import.meta.url)), "../..");
const ROUNDS = 3;
const WRITERS = 4;
/** Acknowledged writes per round before the kill; the kill lands while every writer has one more in flight. */
const WRITES_BEFORE_KILL = 40;
const SECRETS = ["crash-a", "crash-b", "crash-c"];
const UNTHROTTLED = { secretCreate: 1_000_000, secrets: 1_000_000, keyCreate: 1_000_000, keys: 1_000_000 };

let stateDir: string;
let ca: string;
let port: number;
let bridgePort: number;

/** Every value a client sent, by secret name; `acked`: the versions the server acknowledged, with their values. */
const sent = new Map<string, Set<string>>(SECRETS.map((s) => [s, new Set<string>()]));
const acked: { name: string; version: string; value: string }[] = [];
const ackedKeys: string[] = [];
const attemptedKeys = new Set<string>();

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), "edge-vault-crash-"));
  for (const file of ["ca.pem", "ca-key.pem"]) await copyFile(join(devServerFacts().stateDir, file), join(stateDir, file));
  ca = await readFile(join(stateDir, "ca.pem"), "utf8");
  port = await findFreePort();
  bridgePort = await findFreePort();
});

afterAll(async () => {
  await rm(stateDir, { recursive: true, force: true });
});

const start = () => startDevServer({ root: ROOT, stateDir, port, hsmBridgePort: bridgePort, quiet: true });

async function call(server: DevServer, token: string, method: string, path: string, body?: unknown) {
  return httpsJson({ url: `${server.vaultUrl}${path}${path.includes("?") ? "&" : "?"}api-version=7.5`, method, ca, headers: { authorization: `Bearer ${token}` }, body, timeoutMs: 60_000 });
}

async function tokenOf(server: DevServer): Promise<string> {
  const url = `https://localhost:${server.port}/msi/token?api-version=2019-08-01&resource=${encodeURIComponent(tokenResource(server.vaultUrl))}`;
  const r = await httpsJson({ url, ca, headers: { "X-IDENTITY-HEADER": server.identityHeader } });
  return String((r.json as { access_token?: unknown }).access_token);
}

/** Writes until `stop` is set; each write is recorded as sent before it goes, and as acknowledged only on a 200. */
interface Stream {
  acks: number;
  stop: boolean;
  error?: unknown;
}

async function writer(server: DevServer, token: string, id: number, round: number, state: Stream): Promise<void> {
  for (let i = 0; !state.stop; i++) {
    try {
      if (i % 4 === 3) {
        const name = `crash-k-${round}-${id}-${i}`;
        attemptedKeys.add(name);
        const r = await call(server, token, "POST", `/keys/${name}/create`, { kty: "EC", crv: "P-256" });
        if (r.status !== 200) throw new Error(`key create answered ${r.status}: ${r.text}`);
        ackedKeys.push(name);
      } else {
        const name = SECRETS[(id + i) % SECRETS.length] as string;
        const value = `r${round}-w${id}-i${i}-${randomBytes(12).toString("hex")}`;
        sent.get(name)?.add(value);
        const r = await call(server, token, "PUT", `/secrets/${name}`, { value });
        if (r.status !== 200) throw new Error(`secret set answered ${r.status}: ${r.text}`);
        acked.push({ name, version: String((r.json as { id: string }).id).split("/").pop() ?? "", value });
      }
      state.acks += 1;
    } catch (error) {
      if (!state.stop) state.error ??= error; // after the kill, a failed write is simply unacknowledged
      return;
    }
  }
}

/** The ids (`id`, or `kid` for keys) of every item of a list, following nextLink. */
async function allIds(server: DevServer, token: string, collection: string): Promise<string[]> {
  const ids: string[] = [];
  let path: string | null = `${collection}?maxresults=25`;
  while (path !== null) {
    const r = await call(server, token, "GET", path);
    expect(r.status, r.text).toBe(200);
    const page = r.json as { value: { id?: string; kid?: string }[]; nextLink: string | null };
    ids.push(...page.value.map((v) => v.id ?? v.kid ?? ""));
    path = page.nextLink === null ? null : `${collection}?${new URL(page.nextLink).search.slice(1).replace(/(^|&)api-version=[^&]*/, "")}`;
  }
  return ids;
}

async function verify(server: DevServer): Promise<void> {
  const token = await tokenOf(server);
  for (const { name, version, value } of acked) {
    const r = await call(server, token, "GET", `/secrets/${name}/${version}`);
    expect({ status: r.status, value: (r.json as { value?: string }).value }, `acknowledged ${name}/${version}`).toStrictEqual({ status: 200, value });
  }
  for (const name of SECRETS) {
    for (const version of (await allIds(server, token, `/secrets/${name}/versions`)).map((id) => id.split("/").pop() ?? "")) {
      const r = await call(server, token, "GET", `/secrets/${name}/${version}`);
      expect(r.status, `listed ${name}/${version}: ${r.text}`).toBe(200);
      expect(sent.get(name)?.has((r.json as { value: string }).value), `listed ${name}/${version} holds a value nobody sent`).toBe(true);
    }
  }
  for (const name of ackedKeys) expect((await call(server, token, "GET", `/keys/${name}`)).status, `acknowledged key ${name}`).toBe(200);
  for (const kid of await allIds(server, token, "/keys")) {
    const name = kid.split("/")[4] ?? "";
    if (!name.startsWith("crash-k-")) continue;
    expect(attemptedKeys.has(name), `listed key ${name} was never sent`).toBe(true);
    expect((await call(server, token, "GET", `/keys/${name}`)).status, `listed key ${name}`).toBe(200);
  }
}

describe("kill -9 of the dev server loses no acknowledged write", () => {
  it(`${ROUNDS} rounds of writes, SIGKILL mid-stream, restart on the same state, verify`, { timeout: 900_000 }, async () => {
    for (let round = 1; round <= ROUNDS; round++) {
      const server = await start();
      try {
        const admin = { authorization: `Bearer ${server.operatorKey}` };
        const settings = await httpsJson({ url: `https://localhost:${port}/admin/tenants/${server.tenantId}/vaults/dev/settings`, method: "PATCH", ca, headers: admin, body: { throttleLimits: UNTHROTTLED } });
        expect(settings.status, settings.text).toBe(200);
        if (round > 1) await verify(server);
        const token = await tokenOf(server);
        const state: Stream = { acks: 0, stop: false };
        const writers = Array.from({ length: WRITERS }, (_, id) => writer(server, token, id, round, state));
        while (state.acks < WRITES_BEFORE_KILL && state.error === undefined) await new Promise((r) => setTimeout(r, 20));
        if (state.error !== undefined) throw state.error;
        state.stop = true;
        process.kill(-server.wranglerPid, "SIGKILL");
        await Promise.all(writers);
        await server.wranglerExited;
      } finally {
        await server.stop();
      }
    }
    const server = await start();
    try {
      await verify(server);
      expect(acked.length).toBeGreaterThanOrEqual(ROUNDS * WRITES_BEFORE_KILL * 0.7);
    } finally {
      await server.stop();
    }
  });
});
