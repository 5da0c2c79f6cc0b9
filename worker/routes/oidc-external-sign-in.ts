import { Hono, type Context } from "hono";
import type { AppEnv } from "../app-env.ts";
import { clearStateCookie, openState, startState } from "../auth/external-sign-in-state.ts";
import { providerEndpoints, redeemAndVerify } from "../auth/external-provider.ts";
import { auditedSignIn, type SignInResult } from "../auth/sign-in-audit.ts";
import { tenantStub } from "../clients/tenant-stub.ts";
import { challengeOf, newVerifier } from "../portal/pkce.ts";
import { checkAuthorizationRequest, redirectWith } from "../wire/authorization-request.ts";
import { UUID } from "../wire/oauth.ts";
import { sendMessagePage } from "../wire/sign-in-page.ts";
import { PROVIDER_NAME, externalCallbackUri } from "../wire/sign-in-provider-input.ts";
import { badRequestPage, checked } from "./oidc-sign-in.ts";
import { SIGN_IN_REFUSALS, type SignInFailure } from "../../core/domain/identity/oauth-grant.ts";
import type { SignInProvider, SignInProviderRegistration } from "../../core/domain/identity/sign-in-provider.ts";

/**
 * Sign-in through the tenant's external OpenID Connect provider (docs/sign-in.md "External identity providers"):
 *  - `GET /{tenant}/oauth2/v2.0/authorize/external/{provider}?{the authorization request}` — the sign-in page's
 *    "Sign in with …" link: the request is checked as the page checks it, then the browser is sent to the provider
 *    with an authorization-code request of our own (PKCE S256, nonce, a sealed browser-bound state);
 *  - `GET /{tenant}/oauth2/v2.0/external/callback?code&state` — the provider's answer: the state opened and spent,
 *    the code redeemed, the ID token verified, the identity mapped to a local user, and the ORIGINAL request then
 *    answered exactly as after a password sign-in: our code, bound to the client's redirect URI and PKCE challenge.
 * Every callback is audited as `ExternalSignIn` naming the provider; a refusal issues nothing.
 */
export const oidcExternalSignInRoutes = new Hono<AppEnv>({ strict: false });

const OPERATION = "ExternalSignIn";
const MAX_CARRIED_QUERY = 4096;

oidcExternalSignInRoutes.get("/:tenant/oauth2/v2.0/authorize/external/:provider", async (c) => {
  const found = await checked(c);
  if (found instanceof Response) return found;
  const { tenantId, request } = found;
  const name = c.req.param("provider");
  const provider = PROVIDER_NAME.test(name) ? await configured(c, tenantId, name) : null;
  if (provider === null) return refusalPage(c, "ProviderNotConfigured", 400);
  const nowMs = Date.now();
  const endpoints = await providerEndpoints(c.env, provider.issuer, nowMs);
  if (!endpoints.ok) {
    console.warn("external sign-in: provider unavailable", provider.name, endpoints.reason);
    return sendMessagePage(c, "Sign-in unavailable", "The identity provider could not be reached. Try again later, or sign in with your password.", 502);
  }
  // The request travels inside the sealed state through the provider's URL; keep that URL within what servers accept.
  if (new URL(c.req.url).search.length > MAX_CARRIED_QUERY) return badRequestPage(c, "AADSTS90015: The authorization request is too long to continue at the identity provider.");
  const verifier = newVerifier();
  const { state, nonce } = await startState(c, tenantId, provider.name, new URL(c.req.url).search.slice(1), verifier, Math.floor(nowMs / 1000));
  const target = redirectWith(endpoints.authorizationEndpoint, {
    response_type: "code",
    client_id: provider.clientId,
    redirect_uri: externalCallbackUri(c.env, tenantId),
    scope: provider.scopes.join(" "),
    state,
    nonce,
    code_challenge: await challengeOf(verifier),
    code_challenge_method: "S256",
    login_hint: request.loginHint === "" ? null : request.loginHint,
  });
  return c.redirect(target, 302);
});

oidcExternalSignInRoutes.get("/:tenant/oauth2/v2.0/external/callback", async (c) => {
  const tenantId = c.req.param("tenant");
  if (!UUID.test(tenantId) || (await tenantStub(c.env, tenantId).describe()) === null) return badRequestPage(c, "AADSTS90002: Tenant not found.");
  const query = new URL(c.req.url).searchParams;
  const state = await openState(c, tenantId, query.get("state") ?? "");
  clearStateCookie(c);
  const refuse = (failure: SignInFailure, status: 400 | 403, userId: string | null = null): Promise<SignInResult> =>
    refusalPage(c, failure, status).then((response) => ({ userId, failure, response }));
  const original = state === null ? null : checkAuthorizationRequest(new URLSearchParams(state.query), c.env.ISSUER_ORIGIN);
  const request = original?.ok === true ? original.request : null;
  return auditedSignIn(c, tenantId, OPERATION, request?.client.clientId ?? null, async () => {
    if (state === null || request === null) return refuse("InvalidSignInState", 400);
    const stub = tenantStub(c.env, tenantId);
    const spending = await stub.externalSignIn({ kind: "spendState", stateId: state.id, expires: state.expires });
    if (spending.kind !== "stateSpent" || !spending.spent) return refuse("InvalidSignInState", 400);
    // The person declined or the provider failed: the client hears access_denied, as after Cancel on our page.
    const code = query.get("code");
    if (code === null) {
      return { userId: null, failure: "ExternalSignInDeclined", response: c.redirect(redirectWith(request.redirectUri, { error: "access_denied", error_description: SIGN_IN_REFUSALS.ExternalSignInDeclined.description, state: request.state }), 302) };
    }
    const provider = await registration(c, tenantId, state.provider);
    const nowMs = Date.now();
    const endpoints = provider === null ? null : await providerEndpoints(c.env, provider.issuer, nowMs);
    if (provider === null || endpoints === null || !endpoints.ok) return refuse("ProviderNotConfigured", 400);
    const verified = await redeemAndVerify(c.env, provider, endpoints, { code, redirectUri: externalCallbackUri(c.env, tenantId), verifier: state.verifier, nonce: state.nonce }, nowMs);
    if (!verified.ok) {
      console.warn("external sign-in refused", provider.name, verified.reason);
      return refuse("InvalidExternalToken", 400);
    }
    const answer = await stub.externalSignIn({
      kind: "signIn",
      providerName: provider.name,
      identity: verified.identity,
      code: { clientId: request.client.clientId, redirectUri: request.redirectUri, codeChallenge: request.codeChallenge, scope: request.scope, nonce: request.nonce },
    });
    if (answer.kind !== "signedIn") throw new Error("a sign-in answered without its outcome");
    const { outcome } = answer;
    if (!outcome.ok) return refuse(outcome.failure, 403, outcome.userId);
    return { userId: outcome.userId, failure: null, response: c.redirect(redirectWith(request.redirectUri, { code: outcome.code, state: request.state }), 302) };
  }, state === null ? undefined : `provider ${state.provider}`);
});

/** The provider's public record as the tenant keeps it, or null. */
async function configured(c: Context<AppEnv>, tenantId: string, name: string): Promise<SignInProvider | null> {
  const result = await tenantStub(c.env, tenantId).manageSignInProviders({ kind: "get", name });
  return result.ok && result.value !== null && !Array.isArray(result.value) && "issuer" in result.value ? (result.value as SignInProvider) : null;
}

/** The provider with its opened client secret, for the one token request; or null. */
async function registration(c: Context<AppEnv>, tenantId: string, name: string): Promise<SignInProviderRegistration | null> {
  const result = await tenantStub(c.env, tenantId).manageSignInProviders({ kind: "registration", name });
  return result.ok && result.value !== null && !Array.isArray(result.value) && "clientSecret" in result.value ? (result.value as SignInProviderRegistration) : null;
}

function refusalPage(c: Context<AppEnv>, failure: SignInFailure, status: 400 | 403): Promise<Response> {
  return sendMessagePage(c, "Sign-in refused", SIGN_IN_REFUSALS[failure].description, status);
}
