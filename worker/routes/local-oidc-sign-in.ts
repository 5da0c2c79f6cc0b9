import { Hono, type Context } from "hono";
import { html } from "hono/html";
import type { AppEnv } from "../app-env.ts";
import { issueLocalCode, localTokenAnswer, type LocalAuthorization } from "../auth/local-oidc-provider.ts";
import { redirectWith } from "../wire/authorization-request.ts";
import { CSRF_FIELD, csrfAccepted, csrfToken } from "../wire/csrf.ts";
import { LOCAL_OIDC_ISSUER_PATH, localOidcIssuerServed } from "../wire/federation-trust.ts";
import { callerOnLoopback } from "../wire/loopback-caller.ts";
import { readForm } from "../wire/oauth.ts";
import { pageHeaders } from "../wire/sign-in-page.ts";

/**
 * The local OIDC issuer's sign-in endpoints (development only, docs/sign-in.md "External identity providers"), so
 * federated sign-in of people can be tried and tested without a real provider: `GET|POST authorize` (a trivial form:
 * the subject and email to sign in as, nothing proven) and `POST oauth2/token` (form, the code for an ID token).
 * Served only where the local issuer is (LOCAL_IMDS = "true", routes/local-oidc-issuer.ts's guard) and only to
 * callers on the loopback; it redirects only to this deployment's own URLs, so it is no open redirector.
 */
export const localOidcSignInRoutes = new Hono<AppEnv>({ strict: false });

const MAX_FIELD = 256;

localOidcSignInRoutes.use(`${LOCAL_OIDC_ISSUER_PATH}/*`, async (c, next) => {
  if (!localOidcIssuerServed(c.env)) return c.text("Not found", 404);
  await next();
});

function authorization(c: Context<AppEnv>): LocalAuthorization | null {
  const q = new URL(c.req.url).searchParams;
  const redirectUri = q.get("redirect_uri") ?? "";
  const ownOrigin = `${c.env.ISSUER_ORIGIN.replace(/\/+$/, "")}/`;
  const clientId = q.get("client_id") ?? "";
  if (q.get("response_type") !== "code" || clientId === "" || clientId.length > MAX_FIELD || !redirectUri.startsWith(ownOrigin)) return null;
  const challenge = q.get("code_challenge");
  if (challenge !== null && q.get("code_challenge_method") !== "S256") return null;
  return { clientId, redirectUri, nonce: q.get("nonce"), codeChallenge: challenge };
}

const refused = (c: Context<AppEnv>): Response => c.text("Not found", 404);
const badRequest = (c: Context<AppEnv>): Response => c.text("The authorization request is not one the local provider answers (response_type=code, client_id, a redirect_uri of this deployment, S256).", 400);

localOidcSignInRoutes.get(`${LOCAL_OIDC_ISSUER_PATH}/authorize`, (c) => {
  if (!callerOnLoopback(c.req.header("CF-Connecting-IP"))) return refused(c);
  if (authorization(c) === null) return badRequest(c);
  const hint = (new URL(c.req.url).searchParams.get("login_hint") ?? "").slice(0, MAX_FIELD);
  pageHeaders(c, []);
  return c.html(html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Local OIDC provider – edge vault</title></head>
<body><main><h1>Local OIDC provider</h1><p>Development only: signs in whoever you type.</p>
<form method="post">
<input type="hidden" name="${CSRF_FIELD}" value="${csrfToken(c)}">
<p><label for="subject">Subject (sub)</label><br><input id="subject" name="subject" required value="${hint === "" ? "local-user" : hint}"></p>
<p><label for="email">Email</label><br><input id="email" name="email" type="email" value="${hint.includes("@") ? hint : ""}"></p>
<p><label><input type="checkbox" name="email_verified" value="true"> Email verified</label></p>
<p><button type="submit">Sign in</button></p>
</form></main></body></html>`);
});

localOidcSignInRoutes.post(`${LOCAL_OIDC_ISSUER_PATH}/authorize`, async (c) => {
  if (!callerOnLoopback(c.req.header("CF-Connecting-IP"))) return refused(c);
  const request = authorization(c);
  if (request === null) return badRequest(c);
  const form = await readForm(c);
  if (!csrfAccepted(c, form.get(CSRF_FIELD))) return c.text("The form expired or did not come from this page.", 400);
  const subject = (form.get("subject") ?? "").trim();
  const email = (form.get("email") ?? "").trim();
  if (subject === "" || subject.length > MAX_FIELD || email.length > MAX_FIELD) return c.text("A subject of at most 256 characters is required.", 400);
  const identity = { subject, email: email === "" ? null : email, emailVerified: form.get("email_verified") === "true" };
  const code = await issueLocalCode(c.env, request, identity, Math.floor(Date.now() / 1000));
  return c.redirect(redirectWith(request.redirectUri, { code, state: new URL(c.req.url).searchParams.get("state") }), 302);
});

localOidcSignInRoutes.post(`${LOCAL_OIDC_ISSUER_PATH}/oauth2/token`, async (c) => {
  if (!callerOnLoopback(c.req.header("CF-Connecting-IP"))) return refused(c);
  const answer = await localTokenAnswer(c.env, await readForm(c), c.req.header("Authorization") ?? null, Math.floor(Date.now() / 1000));
  c.header("Cache-Control", "no-store");
  return c.json(answer.body, answer.status);
});
