import { Hono } from "hono";
import { UUID } from "../wire/oauth.ts";
import { challengeOf, newVerifier } from "./pkce.ts";
import { heldTokenOf, tokenRequest } from "./person-tokens.ts";
import type { PortalEnv } from "./portal-env.ts";
import { PORTAL_CLIENT_ID } from "../../core/domain/identity/public-clients.ts";
import { formOf, page, redirectWith } from "./render.tsx";
import { freshSession } from "./session.ts";
import { adminApi, vaultAddress } from "./upstream.ts";
import { Csrf } from "./views/layout.tsx";
import { Field } from "./views/table.tsx";

/** Sign-in and sign-out: a person by authorization code + PKCE at their tenant's authority, the operator by its key. */
export const signInRoutes = new Hono<PortalEnv>({ strict: false });

const callbackUrl = (env: Env): string => `${env.ISSUER_ORIGIN.replace(/\/+$/, "")}/portal/callback`;
/** The data plane first; the admin API's token is asked for with the refresh token when a page needs it. */
const signInScope = (env: Env): string => `${vaultAddress(env, "portal").resource}/.default openid profile offline_access`;

signInRoutes.get("/signin", (c) => {
  const csrf = c.get("csrfToken");
  const tenant = c.req.query("tenant") ?? "";
  return page(
    c,
    "Sign in",
    <div class="cols">
      <form method="post" action="/portal/signin/person">
        <fieldset>
          <legend>Sign in as a person</legend>
          <Field label="Tenant id" name="tenantId" value={tenant} required hint="Your organization's directory (tenant) id." />
          <Csrf token={csrf} />
          <button type="submit">Continue to sign-in</button>
        </fieldset>
      </form>
      <form method="post" action="/portal/signin/operator">
        <fieldset>
          <legend>Operator</legend>
          <Field label="Operator key" name="operatorKey" type="password" required />
          <Csrf token={csrf} />
          <button type="submit">Sign in as operator</button>
        </fieldset>
      </form>
    </div>,
  );
});

signInRoutes.post("/signin/person", async (c) => {
  const tenantId = (await formOf(c)).tenantId?.toLowerCase() ?? "";
  if (!UUID.test(tenantId)) return redirectWith(c, "/portal/signin", "error", "The tenant id must be a GUID.");
  const verifier = newVerifier();
  const state = crypto.randomUUID();
  c.set("session", { ...freshSession(), pending: { tenantId, state, verifier } });
  const authorize = new URL(`${c.env.ISSUER_ORIGIN.replace(/\/+$/, "")}/${tenantId}/oauth2/v2.0/authorize`);
  authorize.search = new URLSearchParams({
    client_id: PORTAL_CLIENT_ID,
    response_type: "code",
    redirect_uri: callbackUrl(c.env),
    scope: signInScope(c.env),
    state,
    code_challenge: await challengeOf(verifier),
    code_challenge_method: "S256",
  }).toString();
  return c.redirect(authorize.toString(), 303);
});

/** RFC 6749 §4.1.2: the code comes back with our state; anything else (a forged or replayed callback) is refused. */
signInRoutes.get("/callback", async (c) => {
  const pending = c.get("session").pending;
  const state = c.req.query("state");
  if (pending === undefined || state === undefined || state !== pending.state) {
    c.set("session", freshSession());
    return redirectWith(c, "/portal/signin", "error", "That sign-in was not started here, or has already been used. Start again.");
  }
  const code = c.req.query("code");
  if (code === undefined) {
    c.set("session", freshSession());
    return redirectWith(c, "/portal/signin", "error", `Sign-in did not complete: ${c.req.query("error_description") ?? c.req.query("error") ?? "no code"}.`);
  }
  const answer = await tokenRequest(c, pending.tenantId, {
    grant_type: "authorization_code",
    code,
    redirect_uri: callbackUrl(c.env),
    code_verifier: pending.verifier,
    scope: signInScope(c.env),
  });
  const token = heldTokenOf(answer);
  if (token === null || typeof answer.refresh_token !== "string") {
    c.set("session", freshSession());
    return redirectWith(c, "/portal/signin", "error", `The token service refused the sign-in: ${String(answer.error_description ?? answer.error ?? "no token")}`);
  }
  const claims = JSON.parse(atob((token.token.split(".")[1] ?? "").replace(/-/g, "+").replace(/_/g, "/"))) as Record<string, unknown>;
  const name = [claims.upn, claims.preferred_username, claims.name, claims.oid].find((v): v is string => typeof v === "string") ?? "signed in";
  c.set("session", {
    ...freshSession(),
    identity: { kind: "person", tenantId: pending.tenantId, name, refreshToken: answer.refresh_token, tokens: { [vaultAddress(c.env, "portal").resource]: token } },
  });
  return c.redirect(`/portal/t/${pending.tenantId}/vaults`, 303);
});

/** The operator key is checked by the admin API itself (a harmless read), never compared here. */
signInRoutes.post("/signin/operator", async (c) => {
  const key = (await formOf(c)).operatorKey ?? "";
  c.set("session", { ...freshSession(), identity: { kind: "operator", key } });
  const probe = await adminApi(c, "GET", "/tenants");
  if (!probe.ok) {
    c.set("session", freshSession());
    return redirectWith(c, "/portal/signin", "error", "That operator key was not accepted.");
  }
  return c.redirect("/portal/tenants", 303);
});

/** Sign-out forgets the tokens and starts a new session; the person's refresh token is revoked at the token service. */
signInRoutes.post("/signout", async (c) => {
  const identity = c.get("session").identity;
  if (identity?.kind === "person") {
    const logout = `${c.env.ISSUER_ORIGIN.replace(/\/+$/, "")}/${identity.tenantId}/oauth2/v2.0/logout`;
    const body = new URLSearchParams({ client_id: PORTAL_CLIENT_ID, refresh_token: identity.refreshToken });
    await c.get("upstream")(new Request(logout, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body }), c.env, c.executionCtx);
  }
  c.set("session", freshSession());
  return redirectWith(c, "/portal/signin", "ok", "Signed out.");
});
