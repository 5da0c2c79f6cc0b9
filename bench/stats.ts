import type { PhaseResult } from "./load.ts";

export interface Summary {
  readonly requests: number;
  readonly errors: number;
  /** Successful requests per second of wall time: errors answered fast must not look like throughput. */
  readonly throughput: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

export function summarize(result: PhaseResult): Summary {
  const sorted = Float64Array.from(result.latenciesMs).sort();
  return {
    requests: result.completed,
    errors: result.errors,
    throughput: result.elapsedMs > 0 ? (sorted.length / result.elapsedMs) * 1000 : 0,
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
  };
}

/** Nearest-rank percentile of an ascending array: always a latency that was actually observed. NaN if empty. */
export function percentile(sorted: Float64Array, fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil(fraction * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? Number.NaN;
}

export function mean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((sum, value) => sum + value, 0) / values.length;
}
