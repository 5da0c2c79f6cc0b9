import { Hono, type Context } from "hono";
import type { AppEnv } from "../app-env.ts";
import { auditedSignIn } from "../auth/sign-in-audit.ts";
import { stretchedPassword } from "../auth/stretched-password.ts";
import { tenantStub } from "../clients/tenant-stub.ts";
import { checkAuthorizationRequest, redirectWith, type AuthorizationRequest } from "../wire/authorization-request.ts";
import { CSRF_FIELD, csrfAccepted, csrfToken } from "../wire/csrf.ts";
import { readForm, UUID } from "../wire/oauth.ts";
import { sendPage, typedTotp } from "../wire/sign-in-page.ts";
import { SIGN_IN_REFUSALS } from "../../core/domain/identity/oauth-grant.ts";
import type { SignInProvider } from "../../core/domain/identity/sign-in-provider.ts";
import { MAX_PASSWORD_LENGTH, MAX_USER_PRINCIPAL_NAME, normalizeUserPrincipalName } from "../../core/domain/identity/user.ts";

/**
 * The authorization endpoint for people (docs/sign-in.md "Authorization code"): `GET /{tenant}/oauth2/v2.0/authorize`
 * shows the sign-in page for a checked request; its form posts back here, and a signed-in person is redirected to the
 * client with a one-use code (RFC 6749 §4.1, PKCE RFC 7636), or with error=access_denied when they cancel.
 */
export const oidcSignInRoutes = new Hono<AppEnv>({ strict: false });

const PAGE_HEADING = "Sign in";

/** A request that cannot be answered at a redirect URI is answered here, as a plain page (RFC 6749 §4.1.2.1). */
export function badRequestPage(c: Context<AppEnv>, description: string): Response {
  c.header("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
  c.header("X-Frame-Options", "DENY");
  return c.text(description, 400);
}

export async function checked(c: Context<AppEnv>): Promise<{ tenantId: string; request: AuthorizationRequest } | Response> {
  const tenantId = c.req.param("tenant") ?? "";
  if (!UUID.test(tenantId) || (await tenantStub(c.env, tenantId).describe()) === null) return badRequestPage(c, "AADSTS90002: Tenant not found.");
  const check = checkAuthorizationRequest(new URL(c.req.url).searchParams, c.env.ISSUER_ORIGIN);
  if (check.ok) return { tenantId, request: check.request };
  if (check.redirectUri === null) return badRequestPage(c, check.description);
  return c.redirect(redirectWith(check.redirectUri, { error: check.error, error_description: check.description, state: check.state }), 302);
}

const formTargets = (request: AuthorizationRequest): string[] => [new URL(request.redirectUri).origin];

/** "Sign in with …" links to the tenant's external providers, each carrying this request on (oidc-external-sign-in.ts). */
async function providerLinks(c: Context<AppEnv>, tenantId: string) {
  const listed = await tenantStub(c.env, tenantId).manageSignInProviders({ kind: "list" });
  const providers = listed.ok && Array.isArray(listed.value) ? (listed.value as SignInProvider[]) : [];
  const search = new URL(c.req.url).search;
  return providers.map((p) => ({ displayName: p.displayName, href: `/${tenantId}/oauth2/v2.0/authorize/external/${p.name}${search}` }));
}

oidcSignInRoutes.get("/:tenant/oauth2/v2.0/authorize", async (c) => {
  const found = await checked(c);
  if (found instanceof Response) return found;
  const { tenantId, request } = found;
  const page = { heading: PAGE_HEADING, clientName: request.client.name, csrf: csrfToken(c), userPrincipalName: request.loginHint, error: null, providers: await providerLinks(c, tenantId) };
  return sendPage(c, page, 200, formTargets(request));
});

oidcSignInRoutes.post("/:tenant/oauth2/v2.0/authorize", async (c) => {
  const found = await checked(c);
  if (found instanceof Response) return found;
  const { tenantId, request } = found;
  const form = await readForm(c);
  if (!csrfAccepted(c, form.get(CSRF_FIELD))) return badRequestPage(c, "The sign-in form expired or did not come from this page. Go back and try again.");
  if (form.get("action") === "cancel") {
    return c.redirect(redirectWith(request.redirectUri, { error: "access_denied", error_description: "AADSTS65004: The user declined to sign in.", state: request.state }), 302);
  }
  const typed = (form.get("userPrincipalName") ?? "").slice(0, MAX_USER_PRINCIPAL_NAME);
  const password = (form.get("password") ?? "").slice(0, MAX_PASSWORD_LENGTH * 4);
  const name = normalizeUserPrincipalName(typed);
  return auditedSignIn(c, tenantId, "SignIn", request.client.clientId, async () => {
    const outcome = name === null
      ? ({ ok: false, failure: "InvalidCredentials", userId: null } as const)
      : await tenantStub(c.env, tenantId).signIn({
          userPrincipalName: name,
          password: await stretchedPassword(c.env, tenantId, name, password),
          totp: typedTotp(form),
          code: { clientId: request.client.clientId, redirectUri: request.redirectUri, codeChallenge: request.codeChallenge, scope: request.scope, nonce: request.nonce },
        });
    if (outcome.ok) {
      return { userId: outcome.userId, failure: null, response: c.redirect(redirectWith(request.redirectUri, { code: outcome.code, state: request.state }), 302) };
    }
    const page = { heading: PAGE_HEADING, clientName: request.client.name, csrf: csrfToken(c), userPrincipalName: typed, error: SIGN_IN_REFUSALS[outcome.failure].description, providers: await providerLinks(c, tenantId) };
    return { userId: outcome.userId, failure: outcome.failure, response: await sendPage(c, page, 200, formTargets(request)) };
  });
});
