/**
 * What a bench run does, from environment variables. The defaults keep a whole run (server start included)
 * under about a minute on a 2-core machine: five timed phases of BENCH_SECONDS plus their warm-ups.
 */
export interface BenchConfig {
  /** Requests kept in flight at once. wrangler dev adds milliseconds per request, so one at a time measures that. */
  readonly concurrency: number;
  /** Length of each timed phase. */
  readonly seconds: number;
  /** Untimed traffic before each phase: opens the TLS connections and warms the isolate and the Durable Object. */
  readonly warmupSeconds: number;
  /** Upper bound on the requests of one phase, so a very fast machine cannot run away with memory or time. */
  readonly maxRequests: number;
  /** How many distinct secret names the SET scenario cycles through. */
  readonly setNames: number;
}

export function readConfig(env: NodeJS.ProcessEnv): BenchConfig {
  return {
    concurrency: positiveInteger(env, "BENCH_CONCURRENCY", 32),
    seconds: positiveNumber(env, "BENCH_SECONDS", 5),
    warmupSeconds: positiveNumber(env, "BENCH_WARMUP_SECONDS", 1),
    maxRequests: positiveInteger(env, "BENCH_MAX_REQUESTS", 100_000),
    setNames: positiveInteger(env, "BENCH_SET_NAMES", 100),
  };
}

function positiveNumber(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  const value = Number(raw);
  // A typo should stop the run rather than silently measure something else.
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got "${raw}"`);
  return value;
}

function positiveInteger(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const value = positiveNumber(env, name, fallback);
  if (!Number.isInteger(value)) throw new Error(`${name} must be a whole number, got "${env[name] ?? ""}"`);
  return value;
}
