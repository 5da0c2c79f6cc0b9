import { Hono, type Context } from "hono";
import { decodeProtectedHeader, jwtVerify } from "jose";
import type { AppEnv } from "../app-env.ts";
import { tenantKeys } from "../auth/jwks-cache.ts";
import { tenantStub } from "../clients/tenant-stub.ts";
import { redirectWith } from "../wire/authorization-request.ts";
import { readForm, UUID } from "../wire/oauth.ts";
import { sendMessagePage } from "../wire/sign-in-page.ts";
import { TOKEN_ALG } from "../../core/crypto/token-signer.ts";
import { issuerFor } from "../../core/domain/identity/issuer.ts";
import { publicClient, redirectUriAllowed } from "../../core/domain/identity/public-clients.ts";

/**
 * Sign-out (docs/sign-in.md "Sign-out"; OpenID Connect RP-Initiated Logout 1.0): `GET|POST /{tenant}/oauth2/v2.0/logout`
 * ends the session the request names — the family of a `refresh_token` (with `client_id`), or every refresh token the
 * `id_token_hint`'s person holds for that token's client — then returns to `post_logout_redirect_uri` with `state` when
 * the URI is one the client may use, or shows a page. There is no sign-in cookie to clear: the service keeps none.
 */
export const oidcSignOutRoutes = new Hono<AppEnv>({ strict: false });

/** An ID token hint may have expired (the spec allows it); one older than a refresh token's life no longer counts. */
const HINT_TOLERANCE_SECONDS = 14 * 24 * 3600;

async function hintedPerson(env: Env, tenantId: string, hint: string): Promise<{ userId: string; clientId: string } | null> {
  try {
    if (decodeProtectedHeader(hint).alg !== TOKEN_ALG) return null;
    const { payload } = await jwtVerify(hint, await tenantKeys(env, tenantId), { algorithms: [TOKEN_ALG], issuer: issuerFor(env.ISSUER_ORIGIN, tenantId), clockTolerance: HINT_TOLERANCE_SECONDS });
    const aud = typeof payload.aud === "string" ? payload.aud : null;
    return typeof payload.oid === "string" && aud !== null && publicClient(aud) !== null ? { userId: payload.oid, clientId: aud } : null;
  } catch {
    return null;
  }
}

/** `viaPost`: a refresh token is taken from a form body only, never from a URL (which logs and histories keep). */
async function signOut(c: Context<AppEnv>, params: URLSearchParams, viaPost: boolean): Promise<Response> {
  const tenantId = c.req.param("tenant") ?? "";
  if (!UUID.test(tenantId) || (await tenantStub(c.env, tenantId).describe()) === null) return sendMessagePage(c, "Sign out", "AADSTS90002: Tenant not found.", 400);
  const stub = tenantStub(c.env, tenantId);
  const hint = params.get("id_token_hint");
  const person = hint === null ? null : await hintedPerson(c.env, tenantId, hint);
  const clientId = person?.clientId ?? params.get("client_id") ?? "";
  if (person !== null) await stub.manageUsers({ kind: "revokeSessions", id: person.userId, clientId: person.clientId });
  const refreshToken = viaPost ? params.get("refresh_token") : null;
  if (refreshToken !== null) await stub.manageUsers({ kind: "revokeRefreshToken", refreshToken, clientId });
  const client = publicClient(clientId);
  const back = params.get("post_logout_redirect_uri");
  if (client !== null && back !== null && redirectUriAllowed(client, back, c.env.ISSUER_ORIGIN)) {
    return c.redirect(redirectWith(back, { state: params.get("state") }), 302);
  }
  return sendMessagePage(c, "Sign out", "You have signed out. You can close this window.", 200);
}

oidcSignOutRoutes.get("/:tenant/oauth2/v2.0/logout", (c) => signOut(c, new URL(c.req.url).searchParams, false));
oidcSignOutRoutes.post("/:tenant/oauth2/v2.0/logout", async (c) => signOut(c, await readForm(c), true));
