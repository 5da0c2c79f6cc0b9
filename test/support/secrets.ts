import { SELF, env, runInDurableObject } from "cloudflare:test";
import { expect } from "vitest";
import { ManualClock } from "../../core/domain/clock.ts";
import {
  API_VERSION,
  assignRole,
  createPrincipal,
  createTenant,
  createVault,
  tokenFor,
  vaultClient,
  type CreatedIdentity,
  type VaultClient,
} from "./fixture.ts";

/** Wire shapes of the secrets API (secrets.json), as tests read them. */
export interface SecretAttributes {
  enabled: boolean;
  nbf?: number;
  exp?: number;
  created: number;
  updated: number;
  recoverableDays: number;
  recoveryLevel: string;
}

export interface SecretBundle {
  value?: string;
  id: string;
  contentType?: string;
  attributes: SecretAttributes;
  tags?: Record<string, string>;
  managed?: boolean;
}

export interface DeletedSecretBundle extends SecretBundle {
  recoveryId: string;
  deletedDate: number;
  scheduledPurgeDate: number;
}

export interface ListResult<T = SecretBundle> {
  value: T[];
  nextLink: string | null;
}

export interface KeyVaultError {
  error: { code: string; message: string; innererror?: { code: string } | null };
}

export interface JsonResponse<T> {
  status: number;
  body: T;
  headers: Headers;
}

export const DAY_SECONDS = 86_400;

/** Reads a Response as `{status, body, headers}`; an empty body reads as null. */
export async function readJson<T = unknown>(response: Response): Promise<JsonResponse<T>> {
  const text = await response.text();
  let body: unknown = null;
  if (text !== "") {
    try {
      body = JSON.parse(text);
    } catch {
      throw new Error(`expected a JSON body, got status ${response.status}: ${text.slice(0, 200)}`);
    }
  }
  return { status: response.status, body: body as T, headers: response.headers };
}

/**
 * Asserts Azure's error shape — status, error.code, a non-empty message and (when given) innererror.code — and
 * returns the error member. The one such assertion of the workerd tiers (key-api.ts names it expectKvError).
 */
export function expectError(
  response: { status: number; body: unknown },
  status: number,
  code: string,
  inner?: string,
): KeyVaultError["error"] {
  const body = response.body as KeyVaultError | null;
  expect({ status: response.status, code: body?.error?.code }, JSON.stringify(response.body)).toEqual({ status, code });
  const error = (body as KeyVaultError).error;
  expect(typeof error.message, JSON.stringify(response.body)).toBe("string");
  expect(error.message.length).toBeGreaterThan(0);
  if (inner !== undefined) expect(error.innererror?.code, JSON.stringify(response.body)).toBe(inner);
  return error;
}

/** GETs an absolute URL (a nextLink) with the token, exactly as given. */
export async function getAbsolute<T>(url: string, token: string): Promise<JsonResponse<T>> {
  return readJson<T>(await SELF.fetch(url, { headers: { Authorization: `Bearer ${token}` } }));
}

/** Follows nextLink from `path` to the end; returns every page. Fails after `maxPages` to stop loops. */
export async function allPages<T>(kv: VaultClient, token: string, path: string, maxPages = 50): Promise<ListResult<T>[]> {
  const pages: ListResult<T>[] = [];
  let response = await kv.json<ListResult<T>>("GET", path);
  for (;;) {
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    pages.push(response.body);
    const next = response.body.nextLink;
    if (next === null || next === undefined) return pages;
    if (pages.length >= maxPages) throw new Error(`more than ${maxPages} pages from ${path}`);
    response = await getAbsolute<ListResult<T>>(next, token);
  }
}

/** The name part of `https://host/secrets/{name}[/{version}]` or `/deletedsecrets/{name}`. */
export function nameOf(id: string): string {
  const segments = new URL(id).pathname.split("/");
  return segments[2] ?? "";
}

/** The version part of `https://host/secrets/{name}/{version}`. */
export function versionOf(id: string): string {
  const segments = new URL(id).pathname.split("/");
  return segments[3] ?? "";
}

/** Sets a secret and returns its bundle; fails the test unless the service answers 200. */
export async function setSecret(kv: VaultClient, name: string, body: Record<string, unknown>): Promise<SecretBundle> {
  const response = await kv.json<SecretBundle>("PUT", `/secrets/${name}`, body);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body;
}

/** A principal of `tenantId` with `role` on `vault` (null: no role at all), with its token and client. */
export async function principalWithRole(
  tenantId: string,
  vault: string,
  role: string | null,
): Promise<{ principal: CreatedIdentity; token: string; kv: VaultClient }> {
  const principal = await createPrincipal(tenantId);
  if (role !== null) await assignRole(tenantId, vault, principal.id, role);
  const token = await tokenFor(principal.identityHeader as string);
  return { principal, token, kv: vaultClient(vault, token) };
}

/** A second vault in an existing tenant, with an Administrator principal of its own. */
export async function addVault(
  tenantId: string,
  vault: string,
  role = "Key Vault Administrator",
  options: Record<string, unknown> = {},
): Promise<{ principal: CreatedIdentity; token: string; kv: VaultClient }> {
  await createVault(tenantId, vault, options);
  return principalWithRole(tenantId, vault, role);
}

/** A fresh tenant with one vault and an Administrator principal (like setupVault, with explicit options). */
export async function newTenantWithVault(vault: string, options: Record<string, unknown> = {}) {
  const tenantId = await createTenant();
  const { principal, token, kv } = await addVault(tenantId, vault, "Key Vault Administrator", options);
  return { tenantId, principal, token, kv };
}

/** The vault's Durable Object stub (objects are named by the lower-cased vault name). */
export function vaultObject(vault: string) {
  return env.VAULT.get(env.VAULT.idFromName(vault.toLowerCase()));
}

/** Replaces the vault object's clock with a ManualClock at `ms` (epoch milliseconds). */
export async function setVaultClock(vault: string, ms: number): Promise<void> {
  await runInDurableObject(vaultObject(vault), (instance) => {
    instance.clock = new ManualClock(ms);
  });
}

/** The alarm time (epoch ms) the vault object has scheduled, or null. */
export async function vaultAlarm(vault: string): Promise<number | null> {
  return runInDurableObject(vaultObject(vault), (_instance, state) => state.storage.getAlarm());
}

/** A raw fetch against a vault host: `query` is appended verbatim (no api-version added). */
export function rawVaultFetch(vault: string, pathAndQuery: string, init: RequestInit = {}): Promise<Response> {
  return SELF.fetch(`https://${vault}.vault.localhost:8443${pathAndQuery}`, init);
}

export { API_VERSION };

/**
 * Runs `fn` and returns the reasons of any `unhandledrejection` events the runtime dispatched meanwhile
 * (the Worker runs in this isolate, so its stray rejected promises show up here).
 */
export async function unhandledRejectionsDuring(fn: () => Promise<void>): Promise<string[]> {
  const seen: string[] = [];
  const record = (event: PromiseRejectionEvent) => seen.push(String(event.reason));
  addEventListener("unhandledrejection", record);
  try {
    await fn();
    await new Promise((resolve) => setTimeout(resolve, 50));
  } finally {
    removeEventListener("unhandledrejection", record);
  }
  return seen;
}

/**
 * The alarm time that only audit-log pruning asks for: the oldest record's time plus the vault's
 * retention, rounded up to the hour (an independent restatement of vault.ts's schedule).
 */
export async function auditPruneAlarm(vault: string): Promise<number | null> {
  return runInDurableObject(vaultObject(vault), (_instance, state) => {
    const row = state.storage.sql
      .exec<{ oldest: number | null; days: number }>("SELECT (SELECT MIN(time_ms) FROM audit_log) AS oldest, audit_retention_days AS days FROM vault")
      .one();
    if (row.oldest === null) return null;
    const hour = 3_600_000;
    return Math.ceil((row.oldest + row.days * 86_400_000) / hour) * hour;
  });
}
