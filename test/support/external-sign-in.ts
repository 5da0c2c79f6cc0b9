import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { expect } from "vitest";
import worker from "../../worker/index.ts";
import { ISSUER_ORIGIN, OPERATOR_KEY } from "./fixture.ts";
import { authorizeUrl, pkcePair } from "./sign-in.ts";

// Helpers for federated sign-in of people (docs/sign-in.md "External identity providers"): the Worker is called with
// the operator's allow-list naming the local OIDC issuer (and a remote test issuer), a browser's cookies carried by hand.

export const LOCAL_ISSUER = `${ISSUER_ORIGIN}/local-oidc`;
export const REMOTE_ISSUER = "https://idp.example.com";
/** Entra ID v2.0's shape: an issuer with a path its key set is not under (…/discovery/v2.0/keys beside it). */
export const PATH_ISSUER = `${REMOTE_ISSUER}/tenant-1/v2.0`;
/** An issuer whose discovery document names a key set on another host. */
export const FOREIGN_KEYS_ISSUER = `${REMOTE_ISSUER}/foreign-keys`;
export const TRUSTED: Partial<Env> = { FEDERATED_TOKEN_ISSUERS: `${LOCAL_ISSUER} ${REMOTE_ISSUER} ${PATH_ISSUER} ${FOREIGN_KEYS_ISSUER}` };
const LOOPBACK_CALLER = { "CF-Connecting-IP": "127.0.0.1" };

export async function call(url: string, init: RequestInit = {}, overrides: Partial<Env> = TRUSTED): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await worker.fetch(new Request(url, { redirect: "manual", ...init }), { ...env, ...overrides }, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

export async function adminCall(method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const init = { method, headers: { Authorization: `Bearer ${OPERATOR_KEY}`, "Content-Type": "application/json" }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) };
  const response = await call(`${ISSUER_ORIGIN}/admin${path}`, init);
  const text = await response.text();
  return { status: response.status, body: (text === "" ? {} : JSON.parse(text)) as Record<string, unknown> };
}

export async function putProvider(tenantId: string, name: string, fields: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const put = await adminCall("PUT", `/tenants/${tenantId}/signInProviders/${name}`, { issuer: LOCAL_ISSUER, clientId: "edge-vault-test", clientSecret: "provider-secret-value-1", displayName: "Local IdP", ...fields });
  expect(put.status, JSON.stringify(put.body)).toBe(201);
  return put.body;
}

export async function linkIdentity(tenantId: string, userId: string, subject: string, issuer = LOCAL_ISSUER): Promise<void> {
  const linked = await adminCall("POST", `/tenants/${tenantId}/users/${userId}/externalIdentities`, { issuer, subject });
  expect(linked.status, JSON.stringify(linked.body)).toBe(201);
}

const cookieOf = (response: Response, name: string): string => new RegExp(`(${name}=[^;]*)`).exec(response.headers.get("Set-Cookie") ?? "")?.[1] ?? "";

/** A browser's start of an external sign-in: our sign-in page, then its provider link, up to the provider's URL. */
export async function startExternalSignIn(tenantId: string, provider: string, params: Record<string, string> = {}) {
  const { verifier, challenge } = await pkcePair();
  const url = authorizeUrl(tenantId, { code_challenge: challenge, code_challenge_method: "S256", nonce: "client-nonce", ...params });
  const page = await (await call(url)).text();
  const href = new RegExp(`href="(/${tenantId}/oauth2/v2\\.0/authorize/external/${provider}\\?[^"]+)"`).exec(page)?.[1]?.replaceAll("&amp;", "&");
  expect(href, page).toBeDefined();
  const start = await call(`${ISSUER_ORIGIN}${href}`);
  expect(start.status, await start.clone().text()).toBe(302);
  const location = new URL(start.headers.get("Location") ?? "");
  return { verifier, location, bindingCookie: cookieOf(start, "__Host-external-sign-in"), start };
}

/** The local provider's trivial form, answered as `identity`: its redirect back to our callback. */
export async function localProviderSignIn(location: URL, identity: { subject: string; email?: string; emailVerified?: boolean }): Promise<URL> {
  const form = await call(location.toString(), { headers: LOOPBACK_CALLER });
  const html = await form.text();
  expect(form.status, html).toBe(200);
  const csrf = /name="csrf_token" value="([^"]+)"/.exec(html)?.[1] ?? "";
  const fields: Record<string, string> = { csrf_token: csrf, subject: identity.subject, email: identity.email ?? "" };
  if (identity.emailVerified === true) fields.email_verified = "true";
  const posted = await call(location.toString(), {
    method: "POST",
    headers: { ...LOOPBACK_CALLER, "Content-Type": "application/x-www-form-urlencoded", Cookie: cookieOf(form, "__Host-sign-in-csrf") },
    body: new URLSearchParams(fields).toString(),
  });
  expect(posted.status, await posted.clone().text()).toBe(302);
  return new URL(posted.headers.get("Location") ?? "");
}

/** The provider's redirect arriving at our callback, with the browser's binding cookie (or another). */
export function callback(callbackUrl: URL | string, cookie: string): Promise<Response> {
  return call(callbackUrl.toString(), { headers: cookie === "" ? {} : { Cookie: cookie } });
}

/** The whole browser side through the local provider: the callback's answer. */
export async function signInThroughLocalProvider(tenantId: string, identity: { subject: string; email?: string; emailVerified?: boolean }, params: Record<string, string> = {}) {
  const started = await startExternalSignIn(tenantId, "local", params);
  const back = await localProviderSignIn(started.location, identity);
  return { ...started, back, answer: await callback(back, started.bindingCookie) };
}
