import type { BenchConfig } from "./config.ts";
import type { CpuMeter, CpuShares } from "./cpu.ts";
import { drive } from "./load.ts";
import type { Scenario } from "./scenarios/scenario.ts";
import { summarize, type Summary } from "./stats.ts";
import { createAgent } from "./target.ts";

export interface Measurement {
  readonly scenario: Scenario;
  readonly summary: Summary;
  /** Failures during the untimed warm-up; they fail the run just like timed ones. */
  readonly warmupErrors: number;
  readonly errorSamples: readonly string[];
  readonly cpu: CpuShares | undefined;
}

/** CPU ms per request served of all of the bench's processes; NaN without CPU figures. */
export function allProcessesMs(m: Measurement): number {
  if (m.cpu === undefined) return Number.NaN;
  return (m.cpu.byLabel.reduce((sum, [, share]) => sum + share, 0) / 100 / m.summary.throughput) * 1000;
}

/**
 * Measures one scenario for the run (warm-up, timed phase, progress lines); `seconds` overrides the phase length,
 * `concurrency` the requests in flight.
 */
export type PhaseRunner = (scenario: Scenario, seconds?: number, concurrency?: number) => Promise<Measurement>;

export interface MeasureOptions {
  readonly ca: string;
  readonly config: BenchConfig;
  readonly meter: CpuMeter;
  /** Overrides for short probes; default to the configured phase lengths. */
  readonly seconds?: number;
  readonly warmupSeconds?: number;
  readonly concurrency?: number;
}

/**
 * Warm-up, then one timed phase, on an agent of its own: every scenario opens its connections during its own
 * warm-up, so no phase inherits (or pays for) another's TLS handshakes, and no socket outlives its scenario.
 */
export async function measure(scenario: Scenario, options: MeasureOptions): Promise<Measurement> {
  const { maxRequests } = options.config;
  const concurrency = options.concurrency ?? options.config.concurrency;
  const agent = createAgent(options.ca, concurrency);
  try {
    const warmupMs = (options.warmupSeconds ?? options.config.warmupSeconds) * 1000;
    const warmup = await drive(agent, scenario, { concurrency, maxRequests, durationMs: warmupMs });
    const before = options.meter.sample();
    const timed = await drive(agent, scenario, { concurrency, maxRequests, durationMs: (options.seconds ?? options.config.seconds) * 1000 });
    const cpu = options.meter.shares(before, options.meter.sample());
    return {
      scenario,
      summary: summarize(timed),
      warmupErrors: warmup.errors,
      errorSamples: [...new Set([...warmup.errorSamples, ...timed.errorSamples])].slice(0, 5),
      cpu,
    };
  } finally {
    agent.destroy();
  }
}

export function totalErrors(measurement: Measurement): number {
  return measurement.summary.errors + measurement.warmupErrors;
}
