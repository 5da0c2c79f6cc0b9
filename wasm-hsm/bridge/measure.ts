/**
 * One-off throughput measurement (not a test): sign ops/s through the bridge's HTTP API, beside direct PKCS#11
 * calls on the same token in the same run, so the API rate reads as a share of the direct one.
 *
 *   node --import tsx wasm-hsm/bridge/measure.ts [--seconds 3] [--workers 1] [--skip-direct]
 *
 * `--workers N` runs the bridge as a cluster of N worker processes (cluster/primary.ts; 1 = one process), so the
 * API columns compare with a process per core (docs/decisions.md §4.3); the direct columns are one process either way.
 * Makes a throwaway SoftHSM2 token under the temp directory, runs the bridge as its own process on a loopback
 * port, and removes everything afterwards. Traffic goes to 127.0.0.1 only, bounded by time. Three API columns:
 * "client" is the typed BridgeClient on Node's fetch (undici), which verifies every answer; "http" signs with the
 * same code but sends with node:http keep-alive and skips the answer check — the bridge's own capacity, closer to
 * what workerd's native fetch and WebCrypto will see; "channel" is the typed client over one channel
 * (docs/hsm-channel.md), every frame checked. Load generator and bridge share this machine's cores.
 */
import { execFileSync, spawn } from "node:child_process";
import { Agent, request as httpRequest } from "node:http";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { BridgeClient, hmacCredentials, signRequest, type BridgeCredentials, type SignRequest } from "../../core/hsm/bridge-client/index.ts";
import { ChannelTransport } from "../../core/hsm/channel/channel-transport.ts";
import { nodeConnector } from "./channel/node-connector.ts";
import { loadConfig } from "./config.ts";
import { pkcs11js, type Handle } from "./pkcs11/binding.ts";
import { SessionPool } from "./pkcs11/session-pool.ts";
import { openToken } from "./pkcs11/token.ts";
import { KeyStore } from "./keys/key-store.ts";
import { HASHES } from "./ops/sign-algorithms.ts";

const HERE = fileURLToPath(new URL(".", import.meta.url));
const { values: options } = parseArgs({
  options: {
    seconds: { type: "string", default: "3" },
    workers: { type: "string", default: "1" },
    "skip-direct": { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
});
if (options.help) {
  process.stdout.write("usage: node --import tsx wasm-hsm/bridge/measure.ts [--seconds 3] [--workers 1] [--skip-direct]\n");
  process.exit(0);
}
const SECONDS = Number(options.seconds);
const WORKERS = Number(options.workers);
const CONCURRENCY = 16;
const SESSIONS = 4;

const dir = mkdtempSync(join(tmpdir(), "edge-vault-bridge-measure-"));
try {
  execFileSync("bash", [join(HERE, "init-token.sh"), dir, "measure"], { env: { ...process.env, HSM_BRIDGE_PORT: "0" }, stdio: ["ignore", "ignore", "ignore"] });
  const configPath = join(dir, "bridge.json");
  const config = JSON.parse(readFileSync(configPath, "utf8")) as Record<string, unknown>;
  writeFileSync(configPath, JSON.stringify({ ...config, sessions: SESSIONS, workers: WORKERS }));

  const bridge = spawn(process.execPath, ["--import", "tsx", join(HERE, "main.ts"), "--config", configPath], { stdio: ["ignore", "pipe", "inherit"] });
  const url = await new Promise<string>((resolve, reject) => {
    bridge.stdout.on("data", (chunk: Buffer) => {
      const line = chunk.toString("utf8").split("\n").find((candidate) => candidate.includes('"listening"'));
      if (line !== undefined) resolve((JSON.parse(line) as { url: string }).url);
    });
    bridge.once("exit", () => reject(new Error("bridge exited")));
  });

  try {
    const credentials = await hmacCredentials("vault", readFileSync(join(dir, "hmac.secret"), "utf8").trim());
    const client = new BridgeClient({ baseUrl: url, credentials });
    const transport = new ChannelTransport({ connect: nodeConnector(url), credentials });
    const channel = new BridgeClient({ transport });
    const post = keepAlivePoster(url, credentials);
    const rsa = await client.generateKey({ kty: "RSA", size: 2048 });
    const ec = await client.generateKey({ kty: "EC", curve: "P-256" });
    const digest = createHash("sha256").update(randomBytes(32)).digest();

    const rows: string[] = [];
    for (const [name, id, alg] of [["RSA-2048 RS256", rsa.id, "RS256"], ["P-256 ES256", ec.id, "ES256"]] as const) {
      const request: SignRequest = { alg, digest: digest.toString("base64url") };
      const viaClient = await rate(CONCURRENCY, () => client.sign(id, request));
      const viaHttp = await rate(CONCURRENCY, () => post(`/keys/${id}/sign`, request));
      const viaChannel = await rate(CONCURRENCY, () => channel.sign(id, request));
      const api = `API (${CONCURRENCY} in flight): client ${fmt(viaClient)}, http ${fmt(viaHttp)}, channel ${fmt(viaChannel)}`;
      if (options["skip-direct"]) {
        rows.push(`${name.padEnd(15)} ${api}`);
        continue;
      }
      const direct = await directRate(loadConfig(configPath), id, alg, digest);
      rows.push(
        `${name.padEnd(15)} direct: 1 session ${fmt(direct.sequential)}, ${SESSIONS} sessions ${fmt(direct.parallel)} | ` +
          `${api} = http ${Math.round((100 * viaHttp) / direct.parallel)}%, channel ${Math.round((100 * viaChannel) / direct.parallel)}% of direct`,
      );
    }
    transport.close();
    process.stdout.write(
      `${cpus().length} cores, ${SECONDS} s per case, bridge with ${WORKERS} worker(s) × ${SESSIONS} sessions\n${rows.join("\n")}\n`,
    );
  } finally {
    bridge.kill("SIGTERM");
    await new Promise((resolve) => bridge.once("exit", resolve));
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

/** Direct PKCS#11 signing on the same token from this process: one synchronous session, then N async ones. */
async function directRate(config: ReturnType<typeof loadConfig>, id: string, alg: "RS256" | "ES256", digest: Buffer) {
  Object.assign(process.env, config.moduleEnv);
  const token = openToken(config.module, config.token.label);
  const pool = new SessionPool(token, config.token.pin, SESSIONS);
  pool.warmUp();
  const keys = new KeyStore(token.module, pool);
  const input = alg === "RS256" ? Buffer.concat([HASHES["SHA-256"].digestInfoPrefix, digest]) : digest;
  const mechanism = { mechanism: alg === "RS256" ? pkcs11js.CKM_RSA_PKCS : pkcs11js.CKM_ECDSA };
  const signOnce = async (session: Handle, privateKey: Handle) => {
    token.module.C_SignInit(session, mechanism, privateKey);
    await token.module.C_SignAsync(session, input, Buffer.alloc(512));
  };
  try {
    const sequential = await keys.withKey(id, async (session, key) => {
      const privateKey = key.privateKey as Handle;
      let count = 0;
      const end = Date.now() + SECONDS * 1000;
      while (Date.now() < end) {
        token.module.C_SignInit(session, mechanism, privateKey);
        token.module.C_Sign(session, input, Buffer.alloc(512));
        count += 1;
      }
      return count / SECONDS;
    });
    const parallel = await rate(SESSIONS, () => keys.withKey(id, (session, key) => signOnce(session, key.privateKey as Handle)));
    return { sequential, parallel };
  } finally {
    pool.close();
    token.finalize();
  }
}

/** Signed POSTs over one keep-alive agent; answers are read but not verified (see the header). */
function keepAlivePoster(url: string, credentials: BridgeCredentials) {
  const { hostname, port } = new URL(url);
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  return async (path: string, body: unknown): Promise<void> => {
    const bytes = new Uint8Array(Buffer.from(JSON.stringify(body)));
    const { headers } = await signRequest(credentials, { method: "POST", path, body: bytes }, Date.now());
    await new Promise<void>((resolve, reject) => {
      const outgoing = httpRequest(
        { hostname, port, path, method: "POST", agent, headers: { ...headers, "content-type": "application/json", "content-length": bytes.length } },
        (response) => {
          response.resume();
          response.on("end", () => (response.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${response.statusCode}`))));
        },
      );
      outgoing.on("error", reject);
      outgoing.end(bytes);
    });
  };
}

/** Operations per second with `concurrency` calls in flight for SECONDS. */
async function rate(concurrency: number, call: () => Promise<unknown>): Promise<number> {
  const end = Date.now() + SECONDS * 1000;
  let count = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < end) {
        await call();
        count += 1;
      }
    }),
  );
  return count / SECONDS;
}

function fmt(perSecond: number): string {
  return `${Math.round(perSecond).toLocaleString("en-US").padStart(6)}/s`;
}
