/**
 * `npm run bench`: secret GET and SET throughput and latency under concurrency, beside a bare Worker→Durable
 * Object echo measured in the same run against the same throwaway `wrangler dev` server. The echo runs first and
 * last and their mean is the baseline, because a small shared machine drifts within a minute. Exits non-zero if
 * any request failed (or the run could not start); the GET target is reported, not enforced.
 *
 * Environment: BENCH_SECONDS (timed phase, default 5), BENCH_CONCURRENCY (in flight, default 32),
 * BENCH_WARMUP_SECONDS (default 1), BENCH_MAX_REQUESTS (per phase, default 100000), BENCH_SET_NAMES (default 100).
 * Numbers go to stdout, progress to stderr.
 */
import { readFileSync } from "node:fs";
import { cpus } from "node:os";
import { dirname, join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { readConfig } from "./config.ts";
import { CpuMeter } from "./cpu.ts";
import { measure, totalErrors, type Measurement } from "./measure.ts";
import { formatBaseline, formatCpu, formatErrors, formatFacts, formatResults, formatTarget, type MachineFacts } from "./report.ts";
import { chooseRoute } from "./route-choice.ts";
import { echoScenario } from "./scenarios/echo.ts";
import type { Scenario } from "./scenarios/scenario.ts";
import { getLatestScenario, seedSecret, setScenario, vaultTarget } from "./scenarios/secrets.ts";
import { mean } from "./stats.ts";
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
    const meter = new CpuMeter(port);

    progress("choosing how to connect (echo probe over 127.0.0.1 and over name resolution)…");
    const route = await chooseRoute(port, ca, config, meter);
    const vault = vaultTarget(vaultName(server.vaultUrl), port, route.chosen);

    const setupAgent = createAgent(ca, 1);
    let token: string;
    try {
      token = await managedIdentityToken(setupAgent, { name: "localhost", port, connectTo: route.chosen.connectTo }, server.identityHeader);
      await seedSecret(setupAgent, vault, token);
    } finally {
      setupAgent.destroy();
    }

    const run = async (scenario: Scenario): Promise<Measurement> => {
      progress(`${scenario.name}: ${config.warmupSeconds} s warm-up + ${config.seconds} s…`);
      const result = await measure(scenario, { ca, config, meter });
      progress(`${scenario.name}: ${fixed(result.summary.throughput, 0)} req/s, ${totalErrors(result)} errors`);
      return result;
    };
    // The echo brackets the vault scenarios so that drift over the run shows, and averages out of the baseline.
    const first = await run(echoScenario("echo (first)", port, route.chosen));
    const get = await run(getLatestScenario(vault, token));
    const set = await run(setScenario(vault, token, config.setNames));
    const last = await run(echoScenario("echo (last)", port, route.chosen));
    const measurements = [first, get, set, last];

    const baseline = mean([first.summary.throughput, last.summary.throughput]);
    const errors = formatErrors(measurements);
    const sections = [
      formatFacts(machine, config, route),
      formatResults(measurements, baseline),
      formatBaseline(first, last, baseline),
      formatCpu(measurements, machine.cores),
      formatTarget(get, baseline),
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

function vaultName(vaultUrl: string): string {
  const name = new URL(vaultUrl).hostname.split(".")[0];
  if (name === undefined || name === "") throw new Error(`cannot read a vault name from ${vaultUrl}`);
  return name;
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
