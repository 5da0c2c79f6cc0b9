/**
 * What a bench run does, from environment variables. The defaults keep a whole run under about seven minutes on
 * a 2-core machine: server start-up and connection probe (~15 s), the secrets part (four phases of BENCH_SECONDS
 * plus warm-ups, ~25 s), the keys part (ten cases of two phases of BENCH_KEY_SECONDS plus warm-ups and one
 * in-runtime rate of BENCH_RATE_SECONDS, ~100 s), the hsm part (keys generated on the token, ~10 s, then six
 * cases of a direct and an API phase of BENCH_KEY_SECONDS plus warm-ups, ~50 s), the edge part (set-up and the
 * 100,000-name vault seeded, ~25 s, then eight phases of BENCH_SECONDS plus warm-ups, ~50 s), the latency part
 * (three operations of a closed and an open-loop phase of BENCH_LATENCY_SECONDS plus warm-ups, ~30 s) and the
 * throttle part (three in-runtime rates of BENCH_RATE_SECONDS, then up to three windows of BENCH_THROTTLE_SECONDS
 * and the waits to align them, ~60 s).
 * BENCH_ONLY=secrets, keys, hsm, edge, latency or throttle runs one part; a comma-separated list runs several.
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
  /** Length of each timed phase of the keys part (API and primitive through the same path) and of the hsm part. */
  readonly keySeconds: number;
  /** How long the Durable Object runs each primitive back to back for the in-runtime rate (the server allows 0.1–10). */
  readonly rateSeconds: number;
  /** Length of each overload phase of the throttle part; 10 makes the first exactly one throttle window. */
  readonly throttleSeconds: number;
  /** Length of each phase of the latency part: the closed loop that finds saturation, and the open loop at half of it. */
  readonly latencySeconds: number;
  /** Which parts run. */
  readonly parts: Readonly<Record<PartName, boolean>>;
}

export const PART_NAMES = ["secrets", "keys", "hsm", "edge", "latency", "throttle"] as const;
export type PartName = (typeof PART_NAMES)[number];

export function readConfig(env: NodeJS.ProcessEnv): BenchConfig {
  return {
    concurrency: positiveInteger(env, "BENCH_CONCURRENCY", 32),
    seconds: positiveNumber(env, "BENCH_SECONDS", 5),
    warmupSeconds: positiveNumber(env, "BENCH_WARMUP_SECONDS", 1),
    maxRequests: positiveInteger(env, "BENCH_MAX_REQUESTS", 100_000),
    setNames: positiveInteger(env, "BENCH_SET_NAMES", 100),
    keySeconds: positiveNumber(env, "BENCH_KEY_SECONDS", 3),
    rateSeconds: rateSeconds(env),
    throttleSeconds: positiveNumber(env, "BENCH_THROTTLE_SECONDS", 10),
    latencySeconds: positiveNumber(env, "BENCH_LATENCY_SECONDS", 4),
    parts: parts(env),
  };
}

function rateSeconds(env: NodeJS.ProcessEnv): number {
  const value = positiveNumber(env, "BENCH_RATE_SECONDS", 2);
  if (value < 0.1 || value > 10) throw new Error(`BENCH_RATE_SECONDS must be between 0.1 and 10, got "${env.BENCH_RATE_SECONDS ?? ""}"`);
  return value;
}

function parts(env: NodeJS.ProcessEnv): BenchConfig["parts"] {
  const raw = (env.BENCH_ONLY ?? "").trim();
  const chosen = raw === "" ? [...PART_NAMES] : raw.split(",").map((name) => name.trim());
  const unknown = chosen.filter((name) => !(PART_NAMES as readonly string[]).includes(name));
  if (unknown.length > 0 || chosen.length === 0) {
    throw new Error(`BENCH_ONLY must name parts among ${PART_NAMES.join(", ")}, comma-separated (or be unset for all), got "${raw}"`);
  }
  const on = (name: PartName) => chosen.includes(name);
  return { secrets: on("secrets"), keys: on("keys"), hsm: on("hsm"), edge: on("edge"), latency: on("latency"), throttle: on("throttle") };
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
