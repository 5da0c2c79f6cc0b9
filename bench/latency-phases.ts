import { KEY_CASES } from "./key-cases.ts";
import type { KeyPartContext } from "./key-phases.ts";
import type { Measurement } from "./measure.ts";
import { driveOpenLoop } from "./open-loop.ts";
import { createBenchKeys, keyScenario } from "./scenarios/keys.ts";
import type { Scenario } from "./scenarios/scenario.ts";
import { getLatestScenario, seedSecret, setScenario } from "./scenarios/secrets.ts";
import { percentile, summarize } from "./stats.ts";
import { fixed } from "./table.ts";
import { createAgent } from "./target.ts";

/** The open loop runs at this share of the closed loop's throughput. */
export const LOAD_SHARE = 0.5;

/** The sign the latency part measures: ES256 (P-256), the faster of the two the issue allows. */
const SIGN_CASE = "ES256-sign";

export interface LatencyRow {
  /** Closed loop at the configured concurrency: its throughput is the saturation rate. */
  readonly saturation: Measurement;
  /** Requests per second the open loop offered: LOAD_SHARE of the saturation rate. */
  readonly offered: number;
  readonly open: Measurement;
  /** 99th percentile of how late the open loop sent a request against its schedule. */
  readonly lagP99Ms: number;
  readonly maxInFlight: number;
}

/** The same server, vault and token as the keys part. */
export type LatencyPartContext = KeyPartContext;

/**
 * Latency at half saturation for a GET, a SET and an ES256 sign: per operation, a closed loop at the configured
 * concurrency finds the rate the server saturates at, then an open loop offers half that rate and its p50 and p99
 * are the latencies. A closed loop's latency at saturation mostly measures its own queue; at half load the open loop
 * shows what a client sees when the server has headroom.
 */
export async function runLatencyPart(ctx: LatencyPartContext): Promise<LatencyRow[]> {
  const agent = createAgent(ctx.ca, 1);
  const scenarios: Scenario[] = [];
  try {
    ctx.progress("latency: writing the GET's secret and creating the P-256 key…");
    await seedSecret(agent, ctx.vault, ctx.token);
    await createBenchKeys(agent, ctx.vault, ctx.token, ["p256"]);
    const sign = KEY_CASES.find((c) => c.name === SIGN_CASE);
    if (sign === undefined) throw new Error(`no key case ${SIGN_CASE}`);
    scenarios.push(getLatestScenario(ctx.vault, ctx.token), setScenario(ctx.vault, ctx.token, ctx.config.setNames));
    scenarios.push(await keyScenario(agent, ctx.vault, ctx.token, sign));
  } finally {
    agent.destroy();
  }
  const rows: LatencyRow[] = [];
  for (const scenario of scenarios) {
    const saturation = await ctx.run({ ...scenario, name: `${scenario.name} (saturation)` }, ctx.config.latencySeconds);
    // A phase with no success has no rate to halve; one request a second still shows its errors.
    const offered = Math.max(1, saturation.summary.throughput * LOAD_SHARE);
    rows.push({ saturation, offered, ...(await openLoop(ctx, { ...scenario, name: `${scenario.name} (half load)` }, offered)) });
  }
  return rows;
}

/** Warm-up and one timed open-loop phase at `rate`, on an agent of its own, like `measure` does for a closed loop. */
async function openLoop(ctx: LatencyPartContext, scenario: Scenario, rate: number): Promise<Omit<LatencyRow, "saturation" | "offered">> {
  const { concurrency, maxRequests, warmupSeconds, latencySeconds } = ctx.config;
  ctx.progress(`${scenario.name}: ${warmupSeconds} s warm-up + ${latencySeconds} s open loop at ${fixed(rate, 0)} req/s…`);
  const agent = createAgent(ctx.ca, concurrency);
  try {
    const warmup = await driveOpenLoop(agent, scenario, { rate, maxRequests, durationMs: warmupSeconds * 1000 });
    const before = ctx.meter.sample();
    const timed = await driveOpenLoop(agent, scenario, { rate, maxRequests, durationMs: latencySeconds * 1000 });
    const cpu = ctx.meter.shares(before, ctx.meter.sample());
    const summary = summarize(timed);
    ctx.progress(`${scenario.name}: p50 ${fixed(summary.p50Ms, 2)} ms, p99 ${fixed(summary.p99Ms, 2)} ms, ${timed.errors} errors`);
    return {
      open: {
        scenario,
        summary,
        warmupErrors: warmup.errors,
        errorSamples: [...new Set([...warmup.errorSamples, ...timed.errorSamples])].slice(0, 5),
        cpu,
      },
      lagP99Ms: percentile(Float64Array.from(timed.lagMs).sort(), 0.99),
      maxInFlight: timed.maxInFlight,
    };
  } finally {
    agent.destroy();
  }
}
