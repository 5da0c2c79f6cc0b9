import type { BenchConfig } from "./config.ts";
import type { Measurement, PhaseRunner } from "./measure.ts";
import { driveStreams, type Stream, type StreamResult } from "./overload-load.ts";
import { nextWindow } from "./retry-after.ts";
import { bookkeepingCost, type BookkeepingCost } from "./scenarios/bookkeeping.ts";
import { getLatestScenario, seedSecret } from "./scenarios/secrets.ts";
import { createThrottleVaults, getLatestSpec, type ThrottleVaults } from "./scenarios/throttle.ts";
import { createAgent, type Route, type Target } from "./target.ts";
import type { ThrottleAdmin } from "./throttle-admin.ts";
import { sendTimed } from "./throttle-request.ts";

export interface ThrottlePartContext {
  readonly ca: string;
  readonly port: number;
  readonly route: Route;
  /** The dev vault and its token, for the GET phase when the secrets part did not run. */
  readonly vault: Target;
  readonly token: string;
  readonly admin: ThrottleAdmin;
  readonly config: BenchConfig;
  readonly run: PhaseRunner;
  readonly progress: (message: string) => void;
  /** The secrets part's GET-latest phase, if it ran. */
  readonly get: Measurement | undefined;
}

/** After vault A's window was spent: a GET sent as soon as its Retry-After elapsed. */
export interface RetryCheck {
  readonly retryAfter: number | undefined;
  readonly status: number | undefined;
  /** The burst that spent the window (its errors count like any phase's). */
  readonly burst: StreamResult;
}

export interface ThrottlePart {
  readonly bookkeeping: BookkeepingCost;
  /** The GET phase the bookkeeping's share is taken of, and whether this part had to measure it. */
  readonly get: Measurement;
  readonly getMeasuredHere: boolean;
  /** Vault A's `secrets` limit per window and the tenant's during the last phase. */
  readonly aLimit: number;
  readonly tenantLimit: number;
  readonly overload: readonly [StreamResult, StreamResult];
  readonly retry: RetryCheck;
  readonly tenant: readonly [StreamResult, StreamResult];
}

/** The GET phase when the secrets part did not run. */
const GET_SECONDS = 3;
/** Vault B's load: a few requests in flight, paced to a quarter of its default 4,000 per 10 s. */
const B_CONCURRENCY = 4;
const B_MAX_RATE = 100;
/** Keeps A's limit plus B's traffic plus stranded leases under the tenant's default 20,000 per window. */
const MAX_A_LIMIT = 15_000;

/**
 * Throttling's cost and behaviour. The bookkeeping's µs per request inside the Durable Object, set against the
 * GET phase. Then vault A, its `secrets` limit at half of what the driver pushed in 10 s of GETs, driven at
 * full concurrency for one aligned window beside vault B on the default limits; then a low tenant limit, a retry
 * right after a 429's Retry-After, and A and B together for a window, so that B is throttled by what A spends.
 * The tenant limit is reset after.
 */
export async function runThrottlePart(ctx: ThrottlePartContext): Promise<ThrottlePart> {
  let get = ctx.get;
  if (get === undefined) {
    const agent = createAgent(ctx.ca, 1);
    try {
      await seedSecret(agent, ctx.vault, ctx.token);
    } finally {
      agent.destroy();
    }
    get = await ctx.run(getLatestScenario(ctx.vault, ctx.token), GET_SECONDS);
  }

  ctx.progress(`bookkeeping rate: ${ctx.config.rateSeconds} s per kind inside the Durable Object…`);
  const agent = createAgent(ctx.ca, 1);
  let bookkeeping: BookkeepingCost;
  try {
    bookkeeping = await bookkeepingCost(agent, ctx.port, ctx.route, ctx.config.rateSeconds);
  } finally {
    agent.destroy();
  }

  ctx.progress("creating two vaults and a Key Vault Secrets Officer identity through the admin API…");
  const vaults = await createThrottleVaults(ctx.admin, ctx.ca, ctx.port, ctx.route);
  // The earlier phases ran on lifted limits, and the tenant may have leased more than its default in this
  // window: back to Azure's defaults now, and no load until the next window (below).
  await ctx.admin.setTenantLimits(null);
  const aLimit = Math.min(MAX_A_LIMIT, Math.max(10, Math.round((get.summary.throughput * 10) / 2)));
  await ctx.admin.setVaultLimits(vaults.aName, { secrets: aLimit });
  const seconds = ctx.config.throttleSeconds;

  ctx.progress(`overload: vault A (secrets ${aLimit} per 10 s) beside vault B for ${seconds} s from the next window…`);
  // From a window's start, so a 10-second phase is one whole window and any lease left from before has expired.
  await nextWindow();
  const [aOver, bOver] = await driveStreams(ctx.ca, streams(vaults, ctx.config, false), seconds * 1000);

  // The tenant's limit is lowered before the retry check, which then ends right at a window's start (a
  // Retry-After waits out the window), so the tenant phase starts on a fresh window with no idle wait.
  const tenantLimit = Math.max(1, Math.round(aLimit / 2));
  await ctx.admin.setTenantLimits({ secrets: tenantLimit });
  let retry: RetryCheck;
  let tenant: StreamResult[];
  try {
    ctx.progress("retry check: spending vault A's window, then one GET as soon as Retry-After elapses…");
    retry = await retryCheck(ctx.ca, vaults, ctx.config);
    ctx.progress(`tenant limit: secrets ${tenantLimit} per 10 s for the tenant, A and B driven together for ${seconds} s…`);
    tenant = await driveStreams(ctx.ca, streams(vaults, ctx.config, true), seconds * 1000);
  } finally {
    await ctx.admin.setTenantLimits(null);
  }
  const [aTenant, bTenant] = tenant;
  if (aOver === undefined || bOver === undefined || aTenant === undefined || bTenant === undefined) {
    throw new Error("driveStreams answered fewer streams than it was given");
  }
  return {
    bookkeeping,
    get,
    getMeasuredHere: ctx.get === undefined,
    aLimit,
    tenantLimit,
    overload: [aOver, bOver],
    retry,
    tenant: [aTenant, bTenant],
  };
}

/** A as fast as answers come back; B paced. B may be throttled only once the tenant's limit is lowered. */
function streams(vaults: ThrottleVaults, config: BenchConfig, bMayBeThrottled: boolean): Stream[] {
  const spec = getLatestSpec(vaults.token);
  return [
    { label: "A", target: vaults.a, spec, concurrency: config.concurrency, maxRate: Infinity, throttleExpected: true },
    { label: "B", target: vaults.b, spec, concurrency: B_CONCURRENCY, maxRate: B_MAX_RATE, throttleExpected: bMayBeThrottled },
  ];
}

/**
 * Drives A until its window is spent (its first 429), waits out that 429's Retry-After, and sends one GET:
 * with nothing else sent meanwhile, a Retry-After too short would meet the same spent window (429), and one
 * too long is caught by the window check of every 429 (retry-after.ts).
 */
async function retryCheck(ca: string, vaults: ThrottleVaults, config: BenchConfig): Promise<RetryCheck> {
  const spec = getLatestSpec(vaults.token);
  const stream: Stream = { label: "A (retry check)", target: vaults.a, spec, concurrency: config.concurrency, maxRate: Infinity, throttleExpected: true };
  // Two windows at most: the current one may end before it is spent, the next one will not.
  const [burst] = await driveStreams(ca, [stream], 20_000, { stopAtFirstThrottle: true });
  if (burst === undefined) throw new Error("driveStreams answered no stream");
  const first = burst.firstThrottle;
  if (first === undefined) return { retryAfter: undefined, status: undefined, burst };
  const retryAfter = Number(first.retryAfter);
  const waitMs = first.receivedAtMs + retryAfter * 1000 - Date.now();
  if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
  const agent = createAgent(ca, 1);
  try {
    const reply = await sendTimed(agent, vaults.a, spec);
    return { retryAfter, status: reply.status, burst };
  } finally {
    agent.destroy();
  }
}
