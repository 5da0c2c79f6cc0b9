/**
 * `npm run bench:profile`: a CPU profile of the Worker (its Durable Objects run in the same isolate under wrangler
 * dev) while one bench scenario runs, summarized per request by source module and by function (docs/performance.md).
 * It starts its own throwaway dev server with wrangler's inspector on (EDGE_VAULT_INSPECTOR=1, port 9229), which
 * costs CPU of its own: use it to see where a request's time goes and to compare two builds, never for rates.
 *
 * Environment: PROFILE_CASES, comma-separated key cases of bench/key-cases.ts (default "A256GCM-decrypt,RS256-sign"),
 * each through the API, or with ":primitive" the same primitive behind the bare path; PROFILE_SECONDS (default 6);
 * PROFILE_DIR (default a new temporary directory), where each case's .cpuprofile (DevTools opens it) and the bundle
 * it refers to are written; BENCH_CONCURRENCY (default 32).
 */
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { readConfig } from "./config.ts";
import { CpuMeter } from "./cpu.ts";
import { KEY_CASES } from "./key-cases.ts";
import { measure } from "./measure.ts";
import { InspectorSession } from "./profile-inspector.ts";
import { summarizeProfile, type ProfileRow } from "./profile-summary.ts";
import { createBenchKeys, keyScenario } from "./scenarios/keys.ts";
import { primitiveScenario } from "./scenarios/primitives.ts";
import { vaultNameOf, vaultTarget } from "./scenarios/vault-api.ts";
import { fixed, renderTable } from "./table.ts";
import { createAgent } from "./target.ts";
import { ThrottleAdmin } from "./throttle-admin.ts";
import { startBenchServer } from "./throwaway-server.ts";
import { managedIdentityToken } from "./token.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const INSPECTOR_PORT = 9229;
const PRIMITIVE = ":primitive";

function table(rows: readonly ProfileRow[]): string {
  return renderTable(
    ["ms/request", "share", "where"],
    rows.map((r) => [fixed(r.msPerRequest, 3), `${fixed(r.share * 100, 1)}%`, r.name]),
  );
}

async function main(): Promise<void> {
  const names = (process.env.PROFILE_CASES ?? "A256GCM-decrypt,RS256-sign").split(",").map((n) => n.trim());
  const cases = names.map((name) => {
    const keyCase = KEY_CASES.find((c) => c.name === name.replace(PRIMITIVE, ""));
    if (keyCase === undefined) throw new Error(`PROFILE_CASES: unknown case "${name}"; known: ${KEY_CASES.map((c) => c.name).join(", ")}`);
    return { name, keyCase, primitive: name.endsWith(PRIMITIVE) };
  });
  const config = readConfig({ ...process.env, BENCH_SECONDS: process.env.PROFILE_SECONDS ?? "6" });
  const dir = process.env.PROFILE_DIR ?? (await mkdtemp(join(tmpdir(), "edge-vault-profile-")));
  await mkdir(dir, { recursive: true });

  process.env.EDGE_VAULT_INSPECTOR = "1";
  const bench = await startBenchServer(ROOT);
  const agent = createAgent(bench.ca, 1);
  let inspector: InspectorSession | undefined;
  try {
    const { port, ca, server } = bench;
    const route = { label: "127.0.0.1 (Host/SNI set)", connectTo: "127.0.0.1" };
    const devVault = vaultNameOf(server.vaultUrl);
    const vault = vaultTarget(devVault, port, route);
    await new ThrottleAdmin(`https://localhost:${port}`, server.operatorKey, ca, server.tenantId).liftLimits(devVault);
    const token = await managedIdentityToken(agent, { name: "localhost", port, connectTo: route.connectTo }, server.identityHeader);
    await createBenchKeys(agent, vault, token);
    inspector = await InspectorSession.attach(INSPECTOR_PORT);
    const bundle = await inspector.bundleSource();
    await writeFile(join(dir, "bundle.js"), bundle);
    const meter = new CpuMeter(server.upstreamPort);

    for (const c of cases) {
      const scenario = c.primitive ? primitiveScenario(c.keyCase, port, route) : await keyScenario(agent, vault, token, c.keyCase);
      process.stderr.write(`profile: ${c.name}, ${config.seconds} s at concurrency ${config.concurrency}…\n`);
      // Warmed up unprofiled; the profile covers exactly the requests it counts.
      await measure(scenario, { ca, config, meter, seconds: 1, warmupSeconds: 0 });
      let served = { requests: 0, throughput: 0 };
      const profile = await inspector.profile(async () => {
        served = (await measure(scenario, { ca, config, meter, warmupSeconds: 0 })).summary;
      });
      await writeFile(join(dir, `${c.name}.cpuprofile`), JSON.stringify(profile));
      const summary = summarizeProfile(profile, bundle, Math.max(1, served.requests));
      console.log(`\n${c.name}: ${fixed(served.throughput, 0)} req/s under the profiler, ${fixed(summary.busyMsPerRequest, 3)} ms busy per request`);
      console.log(`\nby module:\n${table(summary.byModule)}\n\nby function:\n${table(summary.byFunction)}`);
    }
    console.log(`\nprofiles and bundle in ${dir}`);
  } finally {
    inspector?.close();
    agent.destroy();
    await bench.dispose();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
