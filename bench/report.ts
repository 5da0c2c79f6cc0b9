import type { BenchConfig } from "./config.ts";
import { APP_WORKERD, LOAD_GENERATOR } from "./cpu.ts";
import { totalErrors, type Measurement } from "./measure.ts";
import type { RouteChoice } from "./route-choice.ts";
import { fixed, renderTable } from "./table.ts";

/** The target: authenticated GET of the latest version at no less than this share of the echo. */
export const TARGET_RATIO = 0.6;

export interface MachineFacts {
  readonly cores: number;
  readonly cpuModel: string;
  readonly node: string;
  readonly platform: string;
  readonly wrangler: string;
}

export function formatFacts(machine: MachineFacts, config: BenchConfig, route: RouteChoice): string {
  const probes = route.probes.map((probe) => `${probe.route.label} ${fixed(probe.throughput, 0)} req/s`).join(", ");
  return [
    `machine      ${machine.cores} cores (${machine.cpuModel}), Node ${machine.node}, ${machine.platform}, wrangler ${machine.wrangler}`,
    `load         concurrency ${config.concurrency} (closed loop, keep-alive), at most ${config.maxRequests} requests per phase`,
    `phases       ${phaseLengths(config)}`,
    `connection   ${route.chosen.label} (echo probe: ${probes})`,
  ].join("\n");
}

function phaseLengths(config: BenchConfig): string {
  const parts: string[] = [];
  if (config.parts.secrets) parts.push(`secrets ${config.warmupSeconds} s warm-up + ${config.seconds} s timed per scenario`);
  if (config.parts.keys) {
    parts.push(`keys ${config.warmupSeconds} s warm-up + ${config.keySeconds} s timed per scenario, in-runtime rate over ${config.rateSeconds} s`);
  }
  if (config.parts.hsm) parts.push(`hsm ${config.warmupSeconds} s warm-up + ${config.keySeconds} s timed per phase, direct and API`);
  if (config.parts.edge) parts.push(`edge ${config.warmupSeconds} s warm-up + ${config.seconds} s timed per scenario`);
  if (config.parts.latency) {
    parts.push(`latency ${config.warmupSeconds} s warm-up + ${config.latencySeconds} s per closed-loop and per open-loop phase`);
  }
  if (config.parts.throttle) {
    parts.push(`throttle in-runtime rates over ${config.rateSeconds} s, overload phases of ${config.throttleSeconds} s`);
  }
  return parts.join("; ");
}

export function formatResults(measurements: readonly Measurement[], baseline: number): string {
  const rows = measurements.map((m) => [
    m.scenario.name,
    String(m.summary.requests),
    m.warmupErrors === 0 ? String(m.summary.errors) : `${m.summary.errors} (+${m.warmupErrors} in warm-up)`,
    fixed(m.summary.throughput, 0),
    fixed(m.summary.p50Ms, 2),
    fixed(m.summary.p99Ms, 2),
    fixed(m.summary.throughput / baseline, 2),
  ]);
  const table = renderTable(["scenario", "requests", "errors", "req/s", "p50 ms", "p99 ms", "× echo"], rows);
  const described = new Map(measurements.map((m) => [m.scenario.name, m.scenario.description]));
  const legend = [...described].map(([name, description]) => `  ${name}: ${description}`);
  return [table, "", "requests and errors of the timed phase; × echo is throughput over the baseline below.", ...legend].join("\n");
}

/** Other processes' CPU, in % of one core, above which a phase's numbers say more about the machine than the vault. */
const BUSY_MACHINE_THRESHOLD = 20;

/**
 * CPU per process during each timed phase: where the machine's cores went, and whether any was left idle. The
 * last columns divide CPU by the requests served: for the workerd running the Worker and the Durable Objects,
 * that is the vault's own cost per request; for all of the bench's processes (generator, wrangler, both workerd),
 * it is what one request costs the machine end to end. Unlike throughput, both hardly depend on what else
 * competes for the cores, so they stay comparable between runs on a busy machine.
 */
export function formatCpu(measurements: readonly Measurement[], cores: number): string | undefined {
  const measured = measurements.flatMap((m) => (m.cpu === undefined ? [] : [{ m, cpu: m.cpu }]));
  if (measured.length === 0) return undefined;
  const labels = [LOAD_GENERATOR];
  for (const { cpu } of measured) for (const [label] of cpu.byLabel) if (!labels.includes(label)) labels.push(label);
  const notes: string[] = [];
  const rows = measured.map(({ m, cpu }) => {
    const shares = new Map(cpu.byLabel);
    const ours = [...shares.values()].reduce((sum, share) => sum + share, 0);
    const busy = cpu.machineBusyPercent * cores;
    // Whatever else runs on the machine (other builds, tests) takes cores from the server and the generator alike.
    const others = Math.max(0, busy - ours);
    if (others > BUSY_MACHINE_THRESHOLD) {
      notes.push(`warning: ${m.scenario.name}: other processes used ${fixed(others, 0)}% of a core; its throughput is depressed by them.`);
    }
    if (cpu.exited.length > 0) {
      notes.push(
        `warning: ${m.scenario.name}: ${cpu.exited.join(", ")} exited mid-phase (wrangler reloads the Worker when project ` +
          "files change); its CPU shares undercount and its numbers include the reload.",
      );
    }
    const msPerRequest = (percent: number) => fixed((percent / 100 / m.summary.throughput) * 1000, 2);
    return [
      m.scenario.name,
      ...labels.map((label) => fixed(shares.get(label) ?? 0, 0)),
      fixed(others, 0),
      fixed(busy, 0),
      msPerRequest(shares.get(APP_WORKERD) ?? Number.NaN),
      msPerRequest(ours),
    ];
  });
  return [
    `CPU during each timed phase, % of one core (${cores} cores = ${cores * 100}%), and CPU ms per request served:`,
    renderTable(["scenario", ...labels, "not this bench", "machine total", `${APP_WORKERD} ms/req`, "all of ours ms/req"], rows),
    ...notes,
  ].join("\n");
}

export function formatBaseline(first: Measurement, last: Measurement, baseline: number): string {
  const drift = (last.summary.throughput / first.summary.throughput - 1) * 100;
  return (
    `echo baseline ${fixed(baseline, 0)} req/s = mean of first ${fixed(first.summary.throughput, 0)} and last ` +
    `${fixed(last.summary.throughput, 0)} (drift ${drift >= 0 ? "+" : ""}${fixed(drift, 1)}%)`
  );
}

export function formatTarget(get: Measurement, baseline: number): string {
  const ratio = get.summary.throughput / baseline;
  const verdict = ratio >= TARGET_RATIO ? "PASS" : "FAIL";
  return (
    `target: authenticated GET latest ≥ ${TARGET_RATIO * 100}% of echo throughput: ` +
    `${fixed(get.summary.throughput, 0)} / ${fixed(baseline, 0)} req/s = ${fixed(ratio * 100, 0)}% → ${verdict}`
  );
}

/** A failure outside the load phases (e.g. the in-runtime rate's one request). */
export interface OtherFailure {
  readonly name: string;
  readonly sample: string;
}

/** Empty when nothing failed; otherwise a banner meant to be impossible to miss in CI output. */
export function formatErrors(measurements: readonly Measurement[], others: readonly OtherFailure[] = []): string {
  const failing = [
    ...measurements.filter((m) => totalErrors(m) > 0).map((m) => ({ name: m.scenario.name, count: totalErrors(m), samples: m.errorSamples })),
    ...others.map((other) => ({ name: other.name, count: 1, samples: [other.sample] })),
  ];
  if (failing.length === 0) return "";
  const total = failing.reduce((sum, f) => sum + f.count, 0);
  const lines = [
    "!".repeat(78),
    `!!! ${total} REQUEST(S) FAILED — these numbers are not valid. First failures:`,
    ...failing.flatMap((f) => [`!!! ${f.name} (${f.count}):`, ...f.samples.map((sample) => `!!!   ${sample}`)]),
    "!".repeat(78),
  ];
  return lines.join("\n");
}
