import type { Agent } from "node:https";
import { performance } from "node:perf_hooks";
import { send } from "./request.ts";
import { benchTarget } from "./scenarios/echo.ts";
import { seedEdgeSecrets, type EdgeSecret } from "./scenarios/edge.ts";
import { seedListVault, walkToPage, type Walk } from "./scenarios/list-pages.ts";
import { API_VERSION, bearer, vaultTarget } from "./scenarios/vault-api.ts";
import type { ThrottleAdmin } from "./throttle-admin.ts";
import type { Route, Target } from "./target.ts";
import { managedIdentityToken } from "./token.ts";

/** Fixed names: every run starts from a fresh state directory, so they are always free. */
const CACHED_VAULT = "bench-edge-cached";
const SMALL_LIST_VAULT = "bench-list-small";
const BIG_LIST_VAULT = "bench-list-big";

/** Issue 20's sizes: a page of a 100-name vault against the first and the 400th of a 100,000-name one. */
export const SMALL_LIST_NAMES = 100;
export const BIG_LIST_NAMES = 100_000;
export const DEEP_PAGE = 400;

export const names = (count: number): string => `${count.toLocaleString("en-US")} names`;

export interface EdgeSetupContext {
  readonly agent: Agent;
  readonly port: number;
  readonly route: Route;
  /** The dev vault, limits lifted, and a token that may read and write its secrets. */
  readonly vault: Target;
  readonly token: string;
  readonly admin: ThrottleAdmin;
  readonly progress: (message: string) => void;
}

export interface EdgeSetup {
  /** In the dev vault, edge cache off. */
  readonly secrets: readonly EdgeSecret[];
  /** The same secrets in a vault of their own with its edge cache on, or why that case is skipped. */
  readonly cached: { readonly target: Target; readonly secrets: readonly EdgeSecret[]; readonly cacheHeaders: string } | { readonly skipped: string };
  readonly small: Target;
  readonly big: Target;
  /** Path and query of the big vault's DEEP_PAGE-th page, from the walk along its nextLinks, or why there is none. */
  readonly deepPage: Walk["page"];
  /** Mean time of a big-vault page in that walk, one request at a time. */
  readonly bigPageMs: number;
  /** A token of the identity that may read the vaults made here. */
  readonly edgeToken: string;
  readonly seedSeconds: number;
  readonly walkSeconds: number;
}

/**
 * Everything the edge part reads, made before any phase: the edge secrets in the dev vault; three vaults of the dev
 * tenant made through the admin API (limits lifted, as the dev vault's are) and an identity holding Key Vault
 * Secrets Officer on them; the cached vault's setting and secrets; the list vaults' names, seeded by their vault
 * objects; and one walk along the big vault's nextLinks to its DEEP_PAGE-th page, untimed.
 */
export async function setUpEdge(ctx: EdgeSetupContext): Promise<EdgeSetup> {
  ctx.progress("edge: writing the edge secrets and creating the cached and list vaults…");
  const secrets = await seedEdgeSecrets(ctx.agent, ctx.vault, ctx.token);
  const vaults = [CACHED_VAULT, SMALL_LIST_VAULT, BIG_LIST_VAULT];
  for (const name of vaults) {
    await ctx.admin.createVault(name);
    await ctx.admin.liftVaultLimits(name);
  }
  const identity = await ctx.admin.secretsOfficer("bench-edge", vaults);
  const edgeToken = await managedIdentityToken(ctx.agent, benchTarget(ctx.port, ctx.route), identity.identityHeader);
  const cached = await setUpCachedVault(ctx, edgeToken);

  ctx.progress(`edge: seeding ${SMALL_LIST_NAMES} and ${BIG_LIST_NAMES} secrets through the vault objects…`);
  const seedStart = performance.now();
  await seedListVault(ctx.agent, ctx.port, ctx.route, SMALL_LIST_VAULT, SMALL_LIST_NAMES);
  await seedListVault(ctx.agent, ctx.port, ctx.route, BIG_LIST_VAULT, BIG_LIST_NAMES);
  const seedSeconds = (performance.now() - seedStart) / 1000;

  ctx.progress(`edge: walking ${BIG_LIST_VAULT}'s nextLinks to page ${DEEP_PAGE} (untimed)…`);
  const small = vaultTarget(SMALL_LIST_VAULT, ctx.port, ctx.route);
  const big = vaultTarget(BIG_LIST_VAULT, ctx.port, ctx.route);
  const walkStart = performance.now();
  // The small vault's first page is checked the same way, so all three phases read pages known to be right.
  await walkToPage(ctx.agent, small, edgeToken, 1, ctx.progress);
  const walk = await walkToPage(ctx.agent, big, edgeToken, DEEP_PAGE, ctx.progress);
  const walkSeconds = (performance.now() - walkStart) / 1000;
  return { secrets, cached, small, big, deepPage: walk.page, bigPageMs: walk.meanPageMs, edgeToken, seedSeconds, walkSeconds };
}

async function setUpCachedVault(ctx: EdgeSetupContext, token: string): Promise<EdgeSetup["cached"]> {
  const refused = await ctx.admin.enableEdgeCache(CACHED_VAULT);
  if (refused !== undefined) return { skipped: `the server refuses the setting: ${refused}` };
  const target = vaultTarget(CACHED_VAULT, ctx.port, ctx.route);
  const secrets = await seedEdgeSecrets(ctx.agent, target, token);
  return { target, secrets, cacheHeaders: await cacheHeaders(ctx.agent, target, token, secrets) };
}

/**
 * Whatever the answer to a repeated read says about caching (Age, Cache-Status, CF-Cache-Status, X-Cache…), so the
 * report shows whether the cached phase was served by a cache at all.
 */
async function cacheHeaders(agent: Agent, target: Target, token: string, secrets: readonly EdgeSecret[]): Promise<string> {
  const secret = secrets[0];
  if (secret === undefined) return "none";
  const path = `/secrets/${secret.name}/${secret.version}?api-version=${API_VERSION}`;
  await send(agent, target, { method: "GET", path, headers: bearer(token) });
  const reply = await send(agent, target, { method: "GET", path, headers: bearer(token) });
  const shown = Object.entries(reply.headers)
    .filter(([name]) => name === "age" || name.includes("cache"))
    .map(([name, value]) => `${name}: ${Array.isArray(value) ? value.join(", ") : String(value)}`);
  return shown.length === 0 ? "none" : shown.join("; ");
}
