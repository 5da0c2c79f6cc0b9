import type { Context } from "hono";
import { parseVaultHost, vaultUri } from "../../core/domain/vault/vault-host.ts";
import type { PortalEnv } from "./portal-env.ts";
import { personToken } from "./person-tokens.ts";

/** The data-plane api-version the portal speaks (worker/wire/api-version.ts lists what the vault accepts). */
export const DATA_API_VERSION = "7.6";

/** An answer of a public API, parsed: the portal shows `error.message` to the person as it came. */
export interface ApiAnswer {
  readonly ok: boolean;
  readonly status: number;
  readonly body: unknown;
  readonly headers: Headers;
  /** The URL the portal called (list-pages.tsx checks a nextLink against it). */
  readonly url: string;
  /** Azure's `error.message`, or the status line when there is none. */
  readonly message: string;
}

const issuerOrigin = (env: Env): string => env.ISSUER_ORIGIN.replace(/\/+$/, "");
export const adminResourceOf = (env: Env): string => `${issuerOrigin(env)}/admin`;

/** `https://{vault}.vault.{domain}` and its token audience, derived as the control plane derives a vault's URI. */
export function vaultAddress(env: Env, vaultName: string): { base: string; resource: string } {
  const base = vaultUri(env.ISSUER_ORIGIN, vaultName, "standard");
  return { base, resource: parseVaultHost(new URL(base))?.resource ?? base };
}

async function answerOf(url: string, response: Response): Promise<ApiAnswer> {
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text === "" ? null : JSON.parse(text);
  } catch {
    // Not JSON (an export, a PEM): kept as text.
  }
  const error = typeof body === "object" && body !== null ? (body as { error?: { message?: unknown; code?: unknown } }).error : undefined;
  const message = typeof error?.message === "string" ? error.message : `${response.status} ${response.statusText}`;
  return { ok: response.ok, status: response.status, body, headers: response.headers, url, message };
}

/**
 * One call of a public API through the Worker's own fetch path (worker/index.ts), with the signed-in person's bearer
 * token (or the operator's key on the admin API): the portal has no other way in, so it can do nothing its user
 * could not do with curl. The session's identity decides the credential; none means 401 from the API itself.
 */
async function call(c: Context<PortalEnv>, url: string, resource: string, method: string, body?: unknown): Promise<ApiAnswer> {
  const identity = c.get("session").identity;
  const headers = new Headers({ Accept: "application/json" });
  const bearer = identity?.kind === "operator" ? (resource === adminResourceOf(c.env) ? identity.key : null) : await personToken(c, resource);
  if (bearer !== null) headers.set("Authorization", `Bearer ${bearer}`);
  if (body !== undefined) headers.set("Content-Type", "application/json");
  const request = new Request(url, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  return answerOf(url, await c.get("upstream")(request, c.env, c.executionCtx));
}

/** The admin API (`{ISSUER_ORIGIN}/admin{path}`). */
export function adminApi(c: Context<PortalEnv>, method: string, path: string, body?: unknown): Promise<ApiAnswer> {
  return call(c, `${adminResourceOf(c.env)}${path}`, adminResourceOf(c.env), method, body);
}

/** A vault's data plane (`https://{vault}.vault.{domain}{path}?api-version=…`). */
export function vaultApi(c: Context<PortalEnv>, vaultName: string, method: string, path: string, body?: unknown, query: Record<string, string> = {}): Promise<ApiAnswer> {
  const { base, resource } = vaultAddress(c.env, vaultName);
  const search = new URLSearchParams({ ...query, "api-version": DATA_API_VERSION });
  return call(c, `${base}${path}?${search}`, resource, method, body);
}

/** The items of an Azure list answer (`{ value: [...] }`), empty for anything else. */
export function itemsOf<T = Record<string, unknown>>(answer: ApiAnswer): T[] {
  const value = typeof answer.body === "object" && answer.body !== null ? (answer.body as { value?: unknown }).value : undefined;
  return Array.isArray(value) ? (value as T[]) : [];
}
