/**
 * `npm run bench`, six parts against the same throwaway `wrangler dev` server (HTTPS, fresh state, baselines on),
 * in this order:
 *
 * - secrets: secret GET and SET throughput and latency under concurrency, beside a bare Worker→Durable Object
 *   echo that runs first and last (its mean is the baseline, because a small shared machine drifts within a
 *   minute). The GET target (≥ 60% of the echo) is reported, not enforced.
 * - keys: per algorithm and operation (RS256/PS256/ES256/ES256K sign, RS256/ES256 verify, RSA-OAEP-256 and
 *   A256GCM encrypt/decrypt), throughput through the API beside the same raw primitive behind the echo's path
 *   (Worker→Durable Object plus one primitive, no vault logic) and the primitive's rate inside the Durable Object
 *   with no HTTP at all, each measured right before its API phase. The target (every key operation through the
 *   API ≥ 0.8× the raw primitive on the same path, each case marked met or not met) is reported, not enforced.
 * - hsm: HSM sign and decrypt (RSA-HSM RS256/PS256 sign and RSA-OAEP/RSA-OAEP-256 decrypt, EC-HSM ES256 sign,
 *   oct-HSM A256GCM decrypt) through the API on keys created there, beside the same PKCS#11 calls made from this
 *   process straight on the bench server's SoftHSM2 token (same token, same session count as the bridge, an
 *   equivalent key), each direct phase right before its API phase. The target (every case through the API ≥ 70% of
 *   direct) is reported, not enforced. Skipped, saying so, when the server runs without a bridge (no SoftHSM2).
 * - edge: issue 20's reads (docs/edge-reads.md) beside an echo that brackets the part, targets reported, not
 *   enforced: a GET of a secret version answered 304 to If-None-Match with its ETag (≥ 1.2× echo); the same GET
 *   in a vault whose edge cache is on (≥ 1.5× echo; skipped, saying why, while the server refuses the `edgeCache`
 *   setting); a batch get of 25 versions (≥ 10× the secrets per second of the single GETs measured just before);
 *   the first page of a 100-name vault against the first and the 400th page of a 100,000-name vault (within 25%;
 *   default page size, 25), the names written by the vault objects themselves (POST /_bench/seed-secrets, the
 *   rows `secret.set` writes) and the 400th page's URL found by walking nextLinks once, untimed.
 * - latency: for GET, SET and an ES256 sign, the saturation rate (closed loop at BENCH_CONCURRENCY), then an
 *   open loop at half that rate, requests evenly spaced whatever the answers; its p50 and p99 are reported.
 * - throttle: the throttling bookkeeping of every request (admission, counter upsert, audit insert) timed inside
 *   the Durable Object with its writes rolled back, as a share of a GET's time (the secrets part's GET phase, or a
 *   short one of its own); the target (< 5%) is reported, not enforced. Then two vaults of the dev tenant created
 *   through the admin API: A with its `secrets` limit at half what GET pushed in 10 s, driven flat out for one
 *   window beside B on the default limits (A's 429 share and latency, every Retry-After checked against the
 *   server's window, a retry once one elapses, B all 200s); and a low tenant limit, under which B is throttled
 *   too (TenantRequestLimitReached), reset afterwards.
 *
 * The parts before throttle run with the vaults' and the tenant's limits lifted (they measure the vault, not the
 * throttle; admission still runs on every request). Exits non-zero if any request failed, a throttle
 * check failed, or the run could not start. CPU per process is metered in every throughput phase (not
 * in the throttle part's overload phases, whose point is their answers).
 * Environment: BENCH_ONLY (secrets, keys, hsm, edge, latency or throttle, or several comma-separated; default all),
 * BENCH_SECONDS (secrets and edge phases, default 5), BENCH_KEY_SECONDS (keys and hsm phases, default 3),
 * BENCH_LATENCY_SECONDS (each closed- and open-loop phase of the latency part, default 4),
 * BENCH_RATE_SECONDS (each in-runtime rate, default 2), BENCH_THROTTLE_SECONDS (each overload phase, default 10),
 * BENCH_WARMUP_SECONDS (every phase, default 1), BENCH_CONCURRENCY (in flight, default 32),
 * BENCH_MAX_REQUESTS (per phase, default 100000), BENCH_SET_NAMES (default 100). Numbers go to stdout, progress
 * to stderr.
 */
import { readFileSync } from "node:fs";
import { cpus } from "node:os";
import { dirname, join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { readConfig } from "./config.ts";
import { CpuMeter } from "./cpu.ts";
import { runEdgePart } from "./edge-phases.ts";
import { formatEdgeResults, formatEdgeTargets } from "./edge-report.ts";
import { runHsmPart } from "./hsm-phases.ts";
import { formatHsmResults, formatHsmTarget } from "./hsm-report.ts";
import { runKeyPart } from "./key-phases.ts";
import { formatKeyCpu, formatKeyResults, formatKeyTargets } from "./key-report.ts";
import { runLatencyPart } from "./latency-phases.ts";
import { formatLatency } from "./latency-report.ts";
import { measure, totalErrors, type PhaseRunner } from "./measure.ts";
import { formatBaseline, formatCpu, formatErrors, formatFacts, formatResults, formatTarget, type MachineFacts } from "./report.ts";
import { chooseRoute } from "./route-choice.ts";
import { vaultNameOf, vaultTarget } from "./scenarios/vault-api.ts";
import { runSecretPart, type SecretPart } from "./secret-phases.ts";
import { ThrottleAdmin } from "./throttle-admin.ts";
import { runThrottlePart } from "./throttle-phases.ts";
import { formatBookkeeping, formatOverload, formatTenantPhase, throttleFailures } from "./throttle-report.ts";
import { fixed } from "./table.ts";
import { startBenchServer, type BenchServer } from "./throwaway-server.ts";
import { createAgent } from "./target.ts";
import { managedIdentityToken } from "./token.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
/** Aborted by Ctrl-C / SIGTERM; start-up listens to it, and the exit code says the run was interrupted. */
const interrupted = new AbortController();

function progress(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}

async function main(): Promise<number> {
  const startedAt = performance.now();
  const config = readConfig(process.env);
  const machine = machineFacts();

  // wrangler runs in its own process group, so a Ctrl-C reaches only us: stop it ourselves, or it would outlive us.
  // During start-up the abort makes startBenchServer stop wrangler, clean up and reject; after it, we dispose here.
  let bench: BenchServer | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    progress(`${signal}: stopping the server…`);
    interrupted.abort();
    if (bench !== undefined) void bench.dispose().finally(() => process.exit(130));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  try {
    progress("starting a throwaway wrangler dev server…");
    bench = await startBenchServer(ROOT, interrupted.signal);
    const { port, ca, server } = bench;
    // wrangler's proxying workerd listens on the internal port behind the TLS front, not on the public one.
    const meter = new CpuMeter(server.upstreamPort);

    progress("choosing how to connect (echo probe over 127.0.0.1 and over name resolution)…");
    const route = await chooseRoute(port, ca, config, meter);
    const devVault = vaultNameOf(server.vaultUrl);
    const vault = vaultTarget(devVault, port, route.chosen);
    const admin = new ThrottleAdmin(`https://localhost:${port}`, server.operatorKey, ca, server.tenantId);
    await admin.liftLimits(devVault);

    const setupAgent = createAgent(ca, 1);
    let token: string;
    try {
      token = await managedIdentityToken(setupAgent, { name: "localhost", port, connectTo: route.chosen.connectTo }, server.identityHeader);
    } finally {
      setupAgent.destroy();
    }

    const run: PhaseRunner = async (scenario, seconds, concurrency) => {
      const inFlight = concurrency === undefined ? "" : ` at concurrency ${concurrency}`;
      progress(`${scenario.name}: ${config.warmupSeconds} s warm-up + ${seconds ?? config.seconds} s${inFlight}…`);
      const overrides = { ...(seconds === undefined ? {} : { seconds }), ...(concurrency === undefined ? {} : { concurrency }) };
      const result = await measure(scenario, { ca, config, meter, ...overrides });
      progress(`${scenario.name}: ${fixed(result.summary.throughput, 0)} req/s, ${totalErrors(result)} errors`);
      return result;
    };
    const context = { ca, port, route: route.chosen, vault, token, run, progress };
    const secrets = config.parts.secrets ? await runSecretPart({ ...context, setNames: config.setNames }) : undefined;
    const keys = config.parts.keys ? await runKeyPart({ ...context, config, meter }) : undefined;
    const hsm = config.parts.hsm ? await runHsmPart({ ...context, config, bridgeDir: server.hsmBridge?.dir, root: ROOT, signal: interrupted.signal }) : undefined;
    const edge = config.parts.edge ? await runEdgePart({ ...context, admin, config }) : undefined;
    const latency = config.parts.latency ? await runLatencyPart({ ...context, config, meter }) : undefined;
    const throttle = config.parts.throttle ? await runThrottlePart({ ...context, admin, config, get: secrets?.get }) : undefined;

    const measurements = [
      ...(secrets?.measurements ?? []),
      ...(keys?.flatMap((row) => [row.primitive, row.api]) ?? []),
      ...(hsm === undefined || "skipped" in hsm ? [] : hsm.rows.map((row) => row.api)),
      ...(edge?.measurements ?? []),
      ...(latency?.flatMap((row) => [row.saturation, row.open]) ?? []),
      ...(throttle?.getMeasuredHere === true ? [throttle.get] : []),
    ];
    const rateFailures = (keys ?? []).flatMap(({ keyCase, rate }) =>
      rate.error === undefined ? [] : [{ name: `${keyCase.name} in-runtime rate`, sample: rate.error }],
    );
    const errors = formatErrors(measurements, [...rateFailures, ...(throttle === undefined ? [] : throttleFailures(throttle))]);
    const sections = [
      formatFacts(machine, config, route),
      ...secretSections(secrets),
      ...(keys === undefined ? [] : [formatKeyResults(keys, machine.cores)]),
      hsm === undefined ? undefined : formatHsmResults(hsm, config),
      edge === undefined ? undefined : formatEdgeResults(edge, config),
      latency === undefined ? undefined : formatLatency(latency, config),
      formatCpu(measurements, machine.cores),
      keys === undefined ? undefined : formatKeyCpu(keys),
      secrets === undefined ? undefined : formatTarget(secrets.get, secrets.baseline),
      keys === undefined ? undefined : formatKeyTargets(keys),
      hsm === undefined ? undefined : formatHsmTarget(hsm),
      edge === undefined ? undefined : formatEdgeTargets(edge),
      ...(throttle === undefined
        ? []
        : [formatBookkeeping(throttle), formatOverload(throttle, config.throttleSeconds), formatTenantPhase(throttle, config.throttleSeconds)]),
      `total run time ${fixed((performance.now() - startedAt) / 1000, 1)} s (server start-up and connection probe included)`,
      errors,
    ];
    process.stdout.write(`\n${sections.filter((section) => section !== undefined && section !== "").join("\n\n")}\n`);
    return errors === "" ? 0 : 1;
  } finally {
    await bench?.dispose();
    process.removeListener("SIGINT", onSignal);
    process.removeListener("SIGTERM", onSignal);
  }
}

function secretSections(secrets: SecretPart | undefined): string[] {
  if (secrets === undefined) return [];
  return [formatResults(secrets.measurements, secrets.baseline), formatBaseline(secrets.first, secrets.last, secrets.baseline)];
}

function machineFacts(): MachineFacts {
  const processors = cpus();
  const wranglerPackage = JSON.parse(readFileSync(join(ROOT, "node_modules", "wrangler", "package.json"), "utf8")) as { version?: unknown };
  return {
    cores: processors.length,
    cpuModel: processors[0]?.model.trim() ?? "unknown CPU",
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    wrangler: typeof wranglerPackage.version === "string" ? wranglerPackage.version : "unknown",
  };
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (interrupted.signal.aborted) {
      process.stderr.write("bench: interrupted\n");
      process.exitCode = 130;
      return;
    }
    process.stderr.write(`\nbench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
