import type { BenchConfig } from "./config.ts";
import { BIG_LIST_NAMES, DEEP_PAGE, names, SMALL_LIST_NAMES, setUpEdge, type EdgeSetup, type EdgeSetupContext } from "./edge-setup.ts";
import type { Measurement, PhaseRunner } from "./measure.ts";
import { echoScenario, workerAloneScenario } from "./scenarios/echo.ts";
import { batchGetScenario, conditionalGetScenario, getVersionScenario } from "./scenarios/edge.ts";
import { firstPagePath, listPageScenario } from "./scenarios/list-pages.ts";
import { mean } from "./stats.ts";
import { createAgent } from "./target.ts";

export interface EdgePart {
  readonly setup: EdgeSetup;
  /** In the order they ran, echo first and last. */
  readonly measurements: readonly Measurement[];
  readonly first: Measurement;
  readonly last: Measurement;
  /** Mean echo throughput of the first and last phases. */
  readonly baseline: number;
  /** The Worker alone, right after the first echo: the ceiling of the edge cache's hits. */
  readonly workerAlone: Measurement;
  /** Single GETs of a version, edge cache off: the batch's comparison and the 304's context. */
  readonly get: Measurement;
  readonly conditional: Measurement;
  readonly cached: Measurement | { readonly skipped: string };
  /** The 304 in the vault with its edge cache on: answered by the Worker alone. */
  readonly cachedConditional: Measurement | { readonly skipped: string };
  readonly batch: Measurement;
  readonly smallFirst: Measurement;
  readonly bigFirst: Measurement;
  readonly bigDeep: Measurement | { readonly skipped: string };
  /** Requests in flight during the list phases. */
  readonly listConcurrency: number;
}

export type EdgePartContext = Omit<EdgeSetupContext, "agent"> & { readonly ca: string; readonly config: BenchConfig; readonly run: PhaseRunner };

/**
 * How long a list request may wait in the vault object's queue, by the walk's page time. A vault object serves one
 * request at a time, so with N in flight each waits about N page times; a list whose page grows with the vault would
 * otherwise push the big vault's requests past the 30 s request timeout and leave the server busy with abandoned
 * ones for the parts after. 15× below the timeout: under load a page took 10× its time in the (quiet) walk here.
 * The vault object is the bottleneck then, so fewer in flight hardly changes the throughput measured.
 */
const LIST_QUEUE_BUDGET_MS = 2_000;

/** The configured concurrency, or fewer when a big-vault page took so long in the walk that it would break the budget. */
export function listConcurrency(config: BenchConfig, bigPageMs: number): number {
  return Math.max(1, Math.min(config.concurrency, Math.floor(LIST_QUEUE_BUDGET_MS / bigPageMs)));
}

/**
 * Issue 20's reads (docs/edge-reads.md) beside the echo, which brackets the part as it does the secrets part: a GET
 * of a version, the same GET answered 304, a GET in a vault with its edge cache on, a batch get of 25, and list pages
 * of a 100-name and a 100,000-name vault. The batch runs right after the single GETs it is compared with, the three
 * list pages one after another.
 */
export async function runEdgePart(ctx: EdgePartContext): Promise<EdgePart> {
  const agent = createAgent(ctx.ca, 1);
  let setup: EdgeSetup;
  try {
    setup = await setUpEdge({ ...ctx, agent });
  } finally {
    agent.destroy();
  }
  const { secrets, cached: cachedVault, small, big, edgeToken } = setup;

  const first = await ctx.run(echoScenario("echo (edge, first)", ctx.port, ctx.route));
  const workerAlone = await ctx.run(workerAloneScenario("Worker alone (no Durable Object)", ctx.port, ctx.route));
  const get = await ctx.run(getVersionScenario("GET secret version", ctx.vault, ctx.token, secrets));
  const conditional = await ctx.run(conditionalGetScenario(ctx.vault, ctx.token, secrets));
  const cached =
    "skipped" in cachedVault
      ? cachedVault
      : await ctx.run(getVersionScenario("GET secret version, edge cache on", cachedVault.target, edgeToken, cachedVault.secrets));
  const cachedConditional =
    "skipped" in cachedVault
      ? cachedVault
      : await ctx.run(conditionalGetScenario(cachedVault.target, edgeToken, cachedVault.secrets, "GET secret version, edge cache on, 304"));
  const batch = await ctx.run(batchGetScenario(ctx.vault, ctx.token, secrets));
  // All three at the same concurrency, so their ratios compare like with like.
  const lists = listConcurrency(ctx.config, setup.bigPageMs);
  const smallFirst = await ctx.run(listPageScenario(`list page 1 of ${names(SMALL_LIST_NAMES)}`, small, edgeToken, firstPagePath(), 1), undefined, lists);
  const bigFirst = await ctx.run(listPageScenario(`list page 1 of ${names(BIG_LIST_NAMES)}`, big, edgeToken, firstPagePath(), 1), undefined, lists);
  const deep = setup.deepPage;
  const bigDeep =
    "abandoned" in deep
      ? { skipped: deep.abandoned }
      : await ctx.run(listPageScenario(`list page ${DEEP_PAGE} of ${names(BIG_LIST_NAMES)}`, big, edgeToken, deep.path, DEEP_PAGE), undefined, lists);
  const last = await ctx.run(echoScenario("echo (edge, last)", ctx.port, ctx.route));

  const ran = (m: Measurement | { readonly skipped: string }) => ("skipped" in m ? [] : [m]);
  const measurements = [first, workerAlone, get, conditional, ...ran(cached), ...ran(cachedConditional), batch, smallFirst, bigFirst, ...ran(bigDeep), last];
  return {
    setup,
    measurements,
    first,
    last,
    baseline: mean([first.summary.throughput, last.summary.throughput]),
    workerAlone,
    get,
    conditional,
    cached,
    cachedConditional,
    batch,
    smallFirst,
    bigFirst,
    bigDeep,
    listConcurrency: lists,
  };
}
