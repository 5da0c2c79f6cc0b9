import { SELF, env, runInDurableObject } from "cloudflare:test";
import { expect } from "vitest";
import { ManualClock, systemClock } from "../../core/domain/clock.ts";
import { KV_CLI_CLIENT_ID } from "../../core/domain/identity/public-clients.ts";
import { ISSUER_ORIGIN, VAULT_RESOURCE, admin } from "./fixture.ts";
import { postForm } from "./identity.ts";

// Helpers for the human sign-in tests (docs/sign-in.md): users, the sign-in page over raw HTTP, PKCE, the token endpoint.

export const PASSWORD = "correct horse battery staple";
export const LOOPBACK = "http://localhost:53117/callback";

export interface CreatedUser {
  id: string;
  userPrincipalName: string;
  displayName: string;
  tenantAdmin: boolean;
  enabled: boolean;
}

export async function createUser(tenantId: string, userPrincipalName: string, extra: Record<string, unknown> = {}): Promise<CreatedUser> {
  const response = await admin("POST", `/tenants/${tenantId}/users`, { userPrincipalName, displayName: userPrincipalName.split("@")[0], password: PASSWORD, ...extra });
  const text = await response.text();
  if (response.status !== 201) throw new Error(`user create answered ${response.status}: ${text}`);
  return JSON.parse(text) as CreatedUser;
}

/** RFC 7636 §4.1–4.2: a random verifier and its S256 challenge. */
export async function pkcePair(): Promise<{ verifier: string; challenge: string }> {
  const verifier = b64url(crypto.getRandomValues(new Uint8Array(32)));
  const challenge = b64url(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier))));
  return { verifier, challenge };
}

const b64url = (bytes: Uint8Array): string => btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

export function authorizeUrl(tenantId: string, params: Record<string, string>): string {
  const query = new URLSearchParams({ client_id: KV_CLI_CLIENT_ID, response_type: "code", redirect_uri: LOOPBACK, scope: `${VAULT_RESOURCE}/.default openid profile offline_access`, state: "st-1", ...params });
  return `${ISSUER_ORIGIN}/${tenantId}/oauth2/v2.0/authorize?${query.toString()}`;
}

/** The page and what a browser keeps from it: the CSRF cookie and the form's hidden token. */
export async function openSignInPage(url: string): Promise<{ response: Response; html: string; cookie: string; csrf: string }> {
  const response = await SELF.fetch(url, { redirect: "manual" });
  const html = await response.text();
  const cookie = /(__Host-sign-in-csrf=[^;]+)/.exec(response.headers.get("Set-Cookie") ?? "")?.[1] ?? "";
  const csrf = /name="csrf_token" value="([^"]+)"/.exec(html)?.[1] ?? "";
  return { response, html, cookie, csrf };
}

/** Posts the form the page shows, as a browser would; the answer is not followed. */
export function submitSignIn(url: string, page: { cookie: string; csrf: string }, fields: Record<string, string>): Promise<Response> {
  return SELF.fetch(url, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: page.cookie },
    body: new URLSearchParams({ csrf_token: page.csrf, action: "sign-in", ...fields }).toString(),
  });
}

/** Signs in on the page and answers the code the redirect carries. */
export async function signInForCode(tenantId: string, userPrincipalName: string, params: Record<string, string>, password = PASSWORD): Promise<string> {
  const url = authorizeUrl(tenantId, params);
  const page = await openSignInPage(url);
  const response = await submitSignIn(url, page, { userPrincipalName, password });
  expect(response.status, await response.clone().text()).toBe(302);
  const location = new URL(response.headers.get("Location") ?? "");
  expect(location.searchParams.get("state")).toBe(params.state ?? "st-1");
  return location.searchParams.get("code") ?? "";
}

export function tokenRequest(tenantId: string, fields: Record<string, string>): Promise<Response> {
  return postForm(`${ISSUER_ORIGIN}/${tenantId}/oauth2/v2.0/token`, { client_id: KV_CLI_CLIENT_ID, ...fields });
}

export interface TokenBody {
  access_token: string;
  refresh_token?: string;
  id_token?: string;
  client_info?: string;
  scope: string;
  token_type: string;
  expires_in: number;
  ext_expires_in: number;
  error?: string;
  error_description?: string;
  error_codes?: number[];
}

/** Runs `body` with the tenant object's clock set to a manual one, restored after. */
export async function withTenantClock<T>(tenantId: string, clock: ManualClock, body: () => Promise<T>): Promise<T> {
  const stub = env.TENANT.get(env.TENANT.idFromName(tenantId));
  await runInDurableObject(stub, (instance) => {
    instance.clock = clock;
  });
  try {
    return await body();
  } finally {
    await runInDurableObject(stub, (instance) => {
      instance.clock = systemClock;
    });
  }
}
