import { isLocalAuthority, isTrustedAuthority } from "../../core/crypto/release/attestation-trust.ts";
import { FETCH_TIMEOUT_MS, MAX_DOCUMENT_BYTES, boundedText } from "../../core/crypto/release/authority-key-sets.ts";
import { verifyIdToken, type IdTokenOutcome } from "../../core/crypto/federation/verify-id-token.ts";
import type { SignInProviderRegistration } from "../../core/domain/identity/sign-in-provider.ts";
import { issuerDiscovery, issuerKeys } from "./client-assertion.ts";
import { localTokenAnswer } from "./local-oidc-provider.ts";
import { federationTrust, localOidcIssuer } from "../wire/federation-trust.ts";

/**
 * Talking to a tenant's external sign-in provider (docs/sign-in.md "External identity providers"), with the machinery
 * workload federation already uses: the operator's allow-list (FEDERATED_TOKEN_ISSUERS) decides which issuers may be
 * contacted at all; discovery and key sets come from the same bounded, per-isolate cache (authority-key-sets.ts); the
 * token endpoint is called once per sign-in with the same bounds (5 s, 64 KB, no redirects). The local OIDC issuer
 * is answered in-process (its keys are derived, its codes sealed), as it is for workload federation.
 */
export interface ProviderEndpoints {
  readonly authorizationEndpoint: string;
  readonly tokenEndpoint: string;
}

type Refusal = { readonly ok: false; readonly reason: string };

export async function providerEndpoints(env: Env, issuer: string, nowMs: number): Promise<({ readonly ok: true } & ProviderEndpoints) | Refusal> {
  const trust = federationTrust(env);
  if (!isTrustedAuthority(trust, issuer)) return { ok: false, reason: `issuer ${issuer} is not allowed by this deployment (FEDERATED_TOKEN_ISSUERS)` };
  if (isLocalAuthority(trust, issuer)) {
    const local = localOidcIssuer(env);
    return { ok: true, authorizationEndpoint: `${local}/authorize`, tokenEndpoint: `${local}/oauth2/token` };
  }
  const lookup = await issuerDiscovery(issuer, nowMs);
  if (!lookup.ok) return lookup;
  const { authorizationEndpoint, tokenEndpoint } = lookup.endpoints;
  if (authorizationEndpoint === null || tokenEndpoint === null) return { ok: false, reason: "the discovery document names no https authorization_endpoint and token_endpoint" };
  return { ok: true, authorizationEndpoint, tokenEndpoint };
}

export interface CodeExchange {
  readonly code: string;
  readonly redirectUri: string;
  readonly verifier: string;
  readonly nonce: string;
}

/** RFC 6749 §2.3.1: Basic credentials are the form-urlencoded id and secret. */
const basic = (id: string, secret: string): string => `Basic ${btoa(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`)}`;

/** Redeems the provider's code (OIDC Core §3.1.3.1) and verifies the ID token it answers (verify-id-token.ts). */
export async function redeemAndVerify(env: Env, provider: SignInProviderRegistration, endpoints: ProviderEndpoints, exchange: CodeExchange, nowMs: number): Promise<IdTokenOutcome> {
  const form = new URLSearchParams({ grant_type: "authorization_code", code: exchange.code, redirect_uri: exchange.redirectUri, code_verifier: exchange.verifier, client_id: provider.clientId });
  let authorization: string | null = null;
  if (provider.clientAuth === "client_secret_basic") authorization = basic(provider.clientId, provider.clientSecret);
  else form.set("client_secret", provider.clientSecret);
  const trust = federationTrust(env);
  const answer = isLocalAuthority(trust, provider.issuer)
    ? await localTokenAnswer(env, form, authorization, Math.floor(nowMs / 1000))
    : await postForm(endpoints.tokenEndpoint, form, authorization);
  const idToken = answer.status === 200 ? answer.body.id_token : undefined;
  if (typeof idToken !== "string") return { ok: false, reason: `the token endpoint answered ${answer.status} without an id_token` };
  return verifyIdToken(idToken, {
    issuer: provider.issuer,
    clientId: provider.clientId,
    nonce: exchange.nonce,
    nowSeconds: Math.floor(nowMs / 1000),
    keys: issuerKeys(env, (issuer) => isLocalAuthority(trust, issuer), nowMs, true),
  });
}

async function postForm(url: string, form: URLSearchParams, authorization: string | null): Promise<{ status: number; body: Record<string, unknown> }> {
  const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded", accept: "application/json" };
  if (authorization !== null) headers.authorization = authorization;
  try {
    const response = await fetch(url, { method: "POST", headers, body: form.toString(), redirect: "manual", signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
    const parsed = JSON.parse(await boundedText(response, MAX_DOCUMENT_BYTES)) as unknown;
    const body = typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
    return { status: response.status, body };
  } catch (err) {
    console.warn("external sign-in: token endpoint unreachable", url, err instanceof Error ? err.message : String(err));
    return { status: 0, body: {} };
  }
}
