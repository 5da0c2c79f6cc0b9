import type { Context } from "hono";
import type { PortalEnv } from "./portal-env.ts";
import { PORTAL_CLIENT_ID } from "../../core/domain/identity/public-clients.ts";
import { updateSession } from "./session.ts";
import type { HeldToken } from "./session-state.ts";

/** A token this close to expiry is replaced before use, so a call never starts with one that lapses on the way. */
const EARLY_RENEWAL_SECONDS = 60;

export interface TokenAnswer {
  readonly access_token?: unknown;
  readonly refresh_token?: unknown;
  readonly expires_in?: unknown;
  readonly id_token?: unknown;
  readonly error?: unknown;
  readonly error_description?: unknown;
}

/** POST to the tenant's token endpoint (Entra v2.0 shape) through the Worker's own fetch path. */
export async function tokenRequest(c: Context<PortalEnv>, tenantId: string, form: Record<string, string>): Promise<TokenAnswer> {
  const url = `${c.env.ISSUER_ORIGIN.replace(/\/+$/, "")}/${encodeURIComponent(tenantId)}/oauth2/v2.0/token`;
  const request = new Request(url, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
    body: new URLSearchParams({ client_id: PORTAL_CLIENT_ID, ...form }),
  });
  const response = await c.get("upstream")(request, c.env, c.executionCtx);
  return (await response.json().catch(() => ({ error: "invalid_response" }))) as TokenAnswer;
}

export function heldTokenOf(answer: TokenAnswer): HeldToken | null {
  if (typeof answer.access_token !== "string" || typeof answer.expires_in !== "number") return null;
  return { token: answer.access_token, expiresAt: Math.floor(Date.now() / 1000) + answer.expires_in };
}

/**
 * Refreshes of one request, one after another: the token service rotates the refresh token on each use and revokes
 * the whole family when a rotated one comes back (docs/sign-in.md), so two panels of a page refreshing at once with
 * the same refresh token would end the session. Each waits for the one before and reads the session it left.
 */
const refreshQueues = new WeakMap<object, Promise<unknown>>();

/**
 * The signed-in person's access token for `resource` (the admin API, or a vault host's audience): the one held if it
 * is not about to expire, else a new one from the refresh token (which the token service rotates: the new refresh
 * token replaces the old in the session at once). Null when the token service refuses, e.g. the admin API for a
 * person who is not a tenant admin; the API then answers 401 and the page says so.
 */
export function personToken(c: Context<PortalEnv>, resource: string): Promise<string | null> {
  const next = (refreshQueues.get(c) ?? Promise.resolve()).then(() => heldOrRefreshed(c, resource));
  refreshQueues.set(c, next.catch(() => undefined));
  return next;
}

async function heldOrRefreshed(c: Context<PortalEnv>, resource: string): Promise<string | null> {
  const identity = c.get("session").identity;
  if (identity?.kind !== "person") return null;
  const held = identity.tokens[resource];
  if (held !== undefined && held.expiresAt - EARLY_RENEWAL_SECONDS > Date.now() / 1000) return held.token;
  const answer = await tokenRequest(c, identity.tenantId, {
    grant_type: "refresh_token",
    refresh_token: identity.refreshToken,
    scope: `${resource}/.default offline_access`,
  });
  const token = heldTokenOf(answer);
  if (token === null) return null;
  const refreshToken = typeof answer.refresh_token === "string" ? answer.refresh_token : identity.refreshToken;
  updateSession(c, { identity: { ...identity, refreshToken, tokens: { ...identity.tokens, [resource]: token } } });
  return token.token;
}
