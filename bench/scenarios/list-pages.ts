import type { Agent } from "node:https";
import { performance } from "node:perf_hooks";
import { MAX_SEED_BATCH, seedName } from "../../core/domain/objects/bench-seed.ts";
import { send } from "../request.ts";
import { fixed } from "../table.ts";
import type { Route, Target } from "../target.ts";
import { benchTarget } from "./echo.ts";
import { jsonObject } from "./reply.ts";
import type { Scenario } from "./scenario.ts";
import { API_VERSION, bearer } from "./vault-api.ts";

/** The vault's page size when the request names none (worker/wire/paging.ts MAX_RESULTS, Azure's 25). */
export const DEFAULT_PAGE_SIZE = 25;

/** Every list vault's names: `bench-list-0000000`, `bench-list-0000001`, … */
export const LIST_PREFIX = "bench-list-";

/** Seeding 10,000 rows seals and writes them in one call: minutes of slack on a loaded machine. */
const SEED_TIMEOUT_MS = 300_000;

/**
 * `count` secrets in `vault`, written by its vault object through POST /_bench/seed-secrets (the rows `secret.set`
 * writes, durable-objects/vault/bench-seed.ts), MAX_SEED_BATCH per call.
 */
export async function seedListVault(agent: Agent, port: number, route: Route, vault: string, count: number): Promise<void> {
  for (let from = 0; from < count; from += MAX_SEED_BATCH) {
    const batch = Math.min(MAX_SEED_BATCH, count - from);
    const path = `/_bench/seed-secrets/${vault}?prefix=${LIST_PREFIX}&from=${from}&count=${batch}`;
    const reply = await send(agent, benchTarget(port, route), { method: "POST", path }, SEED_TIMEOUT_MS);
    if (reply.status !== 200 || jsonObject(reply.body)?.inserted !== batch) {
      throw new Error(`POST ${path} answered ${reply.status}: ${reply.body.slice(0, 300)}`);
    }
  }
}

/** The SDK's `listPropertiesOfSecrets` first page: no page size given, so the vault's default. */
export function firstPagePath(): string {
  return `/secrets?api-version=${API_VERSION}`;
}

export interface Walk {
  /**
   * Path and query of the page walked to (what the previous page's nextLink held, sealed skip token included), or
   * why the walk was given up.
   */
  readonly page: { readonly path: string } | { readonly abandoned: string };
  /** Mean time of one page's GET on the way, one request at a time: the list's service time with no queue. */
  readonly meanPageMs: number;
}

/** Between progress lines of a long walk. */
const WALK_PROGRESS_PAGES = 100;

/**
 * A walk projected to take longer is given up (after WALK_MIN_PAGES, enough for a steady mean): pages that slow are
 * the finding already, and walking on would add minutes to every run until they are fixed.
 */
const WALK_BUDGET_MS = 60_000;
const WALK_MIN_PAGES = 10;

/**
 * Follows nextLink from the first page to page `page` (1-based), checking every page on the way holds the names it
 * must (the seeded names in order, DEFAULT_PAGE_SIZE a page).
 */
export async function walkToPage(agent: Agent, target: Target, token: string, page: number, progress: (message: string) => void): Promise<Walk> {
  let path = firstPagePath();
  const started = performance.now();
  for (let current = 1; ; current += 1) {
    const reply = await send(agent, target, { method: "GET", path, headers: bearer(token) });
    const problem = reply.status === 200 ? pageProblem(reply.body, (current - 1) * DEFAULT_PAGE_SIZE) : `status ${reply.status}`;
    if (problem !== undefined) throw new Error(`walking ${target.name} to page ${page}: page ${current} (GET ${path}): ${problem}`);
    const meanPageMs = (performance.now() - started) / current;
    if (current === page) return { page: { path }, meanPageMs };
    const projectedMs = meanPageMs * page;
    if (current >= WALK_MIN_PAGES && projectedMs > WALK_BUDGET_MS) {
      const abandoned =
        `the walk to page ${page} was given up at page ${current}: ${fixed(meanPageMs, 0)} ms a page would take ` +
        `~${fixed(projectedMs / 1000, 0)} s, over its ${WALK_BUDGET_MS / 1000} s budget`;
      return { page: { abandoned }, meanPageMs };
    }
    if (current % WALK_PROGRESS_PAGES === 0) progress(`${target.name}: page ${current} of ${page}, ${fixed(meanPageMs, 1)} ms a page…`);
    const next = jsonObject(reply.body)?.nextLink;
    if (typeof next !== "string") throw new Error(`walking ${target.name} to page ${page}: page ${current} has no nextLink`);
    const url = new URL(next);
    path = `${url.pathname}${url.search}`;
  }
}

/** GET of one page, the same path each time; the page must hold the names expected there. */
export function listPageScenario(name: string, target: Target, token: string, path: string, page: number): Scenario {
  const headers = bearer(token);
  const firstIndex = (page - 1) * DEFAULT_PAGE_SIZE;
  return {
    name,
    description:
      `GET https://${target.name}:<port>${page === 1 ? path : "<page " + page + "'s nextLink>"}, Bearer token; ` +
      `${DEFAULT_PAGE_SIZE} names from ${seedName(LIST_PREFIX, firstIndex)} on expected`,
    target,
    expectedStatus: 200,
    request: () => ({ method: "GET", path, headers }),
    check: (body) => pageProblem(body, firstIndex),
  };
}

/** Undefined if the page holds DEFAULT_PAGE_SIZE items, the first of them the seeded name at `firstIndex`. */
function pageProblem(body: string, firstIndex: number): string | undefined {
  const items = jsonObject(body)?.value;
  if (!Array.isArray(items) || items.length !== DEFAULT_PAGE_SIZE) return `expected ${DEFAULT_PAGE_SIZE} items`;
  const id = (items[0] as { id?: unknown }).id;
  const expected = `/secrets/${seedName(LIST_PREFIX, firstIndex)}`;
  return typeof id === "string" && id.endsWith(expected) ? undefined : `the first item should be …${expected}, is ${String(id)}`;
}
