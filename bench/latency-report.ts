import type { BenchConfig } from "./config.ts";
import { LOAD_SHARE, type LatencyRow } from "./latency-phases.ts";
import { fixed, renderTable } from "./table.ts";

const HEADER = [
  "operation",
  "saturation req/s",
  "offered req/s",
  "served req/s",
  "errors",
  "p50 ms",
  "p99 ms",
  "send lag p99 ms",
  "max in flight",
];

/** One row per operation: the saturation rate, then the open loop's latencies at LOAD_SHARE of it. */
export function formatLatency(rows: readonly LatencyRow[], config: BenchConfig): string {
  const table = renderTable(
    HEADER,
    rows.map(({ saturation, offered, open, lagP99Ms, maxInFlight }) => [
      saturation.scenario.name.replace(/ \(saturation\)$/, ""),
      fixed(saturation.summary.throughput, 0),
      fixed(offered, 0),
      fixed(open.summary.throughput, 0),
      open.warmupErrors === 0 ? String(open.summary.errors) : `${open.summary.errors} (+${open.warmupErrors} in warm-up)`,
      fixed(open.summary.p50Ms, 2),
      fixed(open.summary.p99Ms, 2),
      fixed(lagP99Ms, 2),
      String(maxInFlight),
    ]),
  );
  return [
    `latency at ${LOAD_SHARE * 100}% of saturation: saturation is the throughput of a closed loop at concurrency ${config.concurrency} ` +
      `(${config.warmupSeconds} s warm-up + ${config.latencySeconds} s); then an open loop offers ${LOAD_SHARE * 100}% of it, requests ` +
      `evenly spaced whatever the answers (${config.warmupSeconds} s warm-up + ${config.latencySeconds} s), and p50/p99 are its latencies:`,
    table,
    "",
    "latency runs from a request's send to its answer's last byte; send lag is how late the generator sent against the " +
      "schedule (kept out of the latency; a large one means the generator, not the server, fell behind).",
    ...rows.map(({ saturation }) => `  ${saturation.scenario.name.replace(/ \(saturation\)$/, "")}: ${saturation.scenario.description}`),
  ].join("\n");
}
