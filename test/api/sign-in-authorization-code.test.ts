import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../core/domain/clock.ts";
import { AZURE_CLI_CLIENT_ID, KV_CLI_CLIENT_ID, PORTAL_CLIENT_ID } from "../../core/domain/identity/public-clients.ts";
import { ISSUER_ORIGIN, VAULT_RESOURCE, createTenant } from "../support/fixture.ts";
import { decodeSegment, jwtParts } from "../support/identity.ts";
import { LOOPBACK, PASSWORD, authorizeUrl, createUser, openSignInPage, pkcePair, signInForCode, submitSignIn, tokenRequest, withTenantClock, type TokenBody } from "../support/sign-in.ts";
import { failOnlyOnTrulyUnhandledRejections } from "../support/rejections.ts";

failOnlyOnTrulyUnhandledRejections();

const redeem = (tenantId: string, code: string, verifier: string, extra: Record<string, string> = {}) =>
  tokenRequest(tenantId, { grant_type: "authorization_code", code, redirect_uri: LOOPBACK, code_verifier: verifier, client_info: "1", ...extra });

async function expectGrantError(response: Response, error: string, aadsts: number): Promise<void> {
  const body = (await response.json()) as TokenBody;
  expect(response.status).toBe(400);
  expect(body.error).toBe(error);
  expect(body.error_codes).toEqual([aadsts]);
  expect(body.error_description).toMatch(new RegExp(`^AADSTS${aadsts}: `));
  expect(body.access_token).toBeUndefined();
}

describe("the sign-in page (GET /{tenant}/oauth2/v2.0/authorize)", () => {
  it("is a form with labels, a CSRF token in a __Host- cookie and the form, and a CSP without inline anything", async () => {
    const tenantId = await createTenant();
    const { challenge } = await pkcePair();
    const page = await openSignInPage(authorizeUrl(tenantId, { code_challenge: challenge, code_challenge_method: "S256", login_hint: "a<b>@x.example" }));
    expect(page.response.status).toBe(200);
    expect(page.response.headers.get("Content-Type")).toMatch(/^text\/html/);
    const csp = page.response.headers.get("Content-Security-Policy") ?? "";
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("form-action 'self' http://localhost:53117");
    expect(csp).not.toContain("unsafe-inline");
    expect(page.response.headers.get("X-Frame-Options")).toBe("DENY");
    expect(page.response.headers.get("Set-Cookie")).toMatch(/__Host-sign-in-csrf=.*Secure.*SameSite=Strict/i);
    expect(page.csrf).toHaveLength(43);
    expect(page.cookie).toBe(`__Host-sign-in-csrf=${page.csrf}`);
    expect(page.html).toContain('<label for="userPrincipalName">');
    expect(page.html).toContain('<label for="password">');
    expect(page.html).not.toContain("<script");
    // The login hint is shown escaped, never as markup.
    expect(page.html).toContain("a&lt;b&gt;@x.example");
  });

  it("answers an unknown client or an unregistered redirect URI on its own page, never by redirecting there", async () => {
    const tenantId = await createTenant();
    const { challenge } = await pkcePair();
    const pkce = { code_challenge: challenge, code_challenge_method: "S256" };
    const cases = [
      { client_id: crypto.randomUUID(), ...pkce },
      { redirect_uri: "https://evil.example/callback", ...pkce },
      { redirect_uri: "http://localhost.evil.example/cb", ...pkce },
      { client_id: PORTAL_CLIENT_ID, redirect_uri: "https://localhost:8443/portal/callback/../evil", ...pkce },
    ];
    for (const params of cases) {
      const response = await SELF.fetch(authorizeUrl(tenantId, params), { redirect: "manual" });
      expect(response.status, JSON.stringify(params)).toBe(400);
      expect(response.headers.get("Location")).toBeNull();
    }
    expect((await SELF.fetch(authorizeUrl(crypto.randomUUID(), pkce), { redirect: "manual" })).status).toBe(400);
  });

  it("redirects other bad requests to the client with the error and state: no PKCE for a client that needs it, plain PKCE, a bad scope", async () => {
    const tenantId = await createTenant();
    const { challenge } = await pkcePair();
    const cases: [Record<string, string>, string][] = [
      [{}, "invalid_request"],
      [{ code_challenge: challenge, code_challenge_method: "plain" }, "invalid_request"],
      [{ code_challenge: challenge, code_challenge_method: "S256", scope: "https://vault.localhost:8443/.default https://other.example/.default" }, "invalid_scope"],
      [{ code_challenge: challenge, code_challenge_method: "S256", response_type: "token" }, "unsupported_response_type"],
      [{ code_challenge: challenge, code_challenge_method: "S256", prompt: "none" }, "login_required"],
    ];
    for (const [params, error] of cases) {
      const response = await SELF.fetch(authorizeUrl(tenantId, params), { redirect: "manual" });
      expect(response.status).toBe(302);
      const location = new URL(response.headers.get("Location") ?? "");
      expect(location.origin + location.pathname).toBe(LOOPBACK);
      expect(location.searchParams.get("error")).toBe(error);
      expect(location.searchParams.get("state")).toBe("st-1");
      expect(location.searchParams.get("code")).toBeNull();
    }
  });

  it("refuses a post without the CSRF cookie or token, re-shows the page for a wrong password, and denies on cancel", async () => {
    const tenantId = await createTenant();
    await createUser(tenantId, "alice@contoso.example");
    const { challenge } = await pkcePair();
    const url = authorizeUrl(tenantId, { code_challenge: challenge, code_challenge_method: "S256" });
    const page = await openSignInPage(url);
    const fields = { userPrincipalName: "alice@contoso.example", password: PASSWORD };
    expect((await submitSignIn(url, { cookie: "", csrf: page.csrf }, fields)).status).toBe(400);
    expect((await submitSignIn(url, { cookie: page.cookie, csrf: "x".repeat(43) }, fields)).status).toBe(400);

    const wrong = await submitSignIn(url, page, { ...fields, password: "not the password" });
    expect(wrong.status).toBe(200);
    const html = await wrong.text();
    expect(html).toContain('role="alert"');
    expect(html).toContain("AADSTS50126");
    expect(html).not.toContain("not the password");

    const cancel = await submitSignIn(url, page, { ...fields, action: "cancel" });
    expect(cancel.status).toBe(302);
    const location = new URL(cancel.headers.get("Location") ?? "");
    expect(location.searchParams.get("error")).toBe("access_denied");
    expect(location.searchParams.get("state")).toBe("st-1");
  });
});

describe("authorization code with PKCE (grant_type=authorization_code)", () => {
  it("gives the person an access token, an ID token and a refresh token shaped as Entra's", async () => {
    const tenantId = await createTenant();
    const user = await createUser(tenantId, "alice@contoso.example");
    const { verifier, challenge } = await pkcePair();
    const code = await signInForCode(tenantId, "alice@contoso.example", { code_challenge: challenge, code_challenge_method: "S256", nonce: "n-0S6" });
    const response = await redeem(tenantId, code, verifier);
    const body = (await response.json()) as TokenBody;
    expect(response.status, JSON.stringify(body)).toBe(200);
    expect(body).toMatchObject({ token_type: "Bearer", expires_in: 3600, ext_expires_in: 3600, scope: `${VAULT_RESOURCE}/.default openid profile offline_access` });
    expect(typeof body.refresh_token).toBe("string");
    expect(decodeSegment(body.client_info ?? "")).toEqual({ uid: user.id, utid: tenantId });
    const access = jwtParts(body.access_token).payload;
    expect(access).toMatchObject({ aud: VAULT_RESOURCE, oid: user.id, sub: user.id, tid: tenantId, idtyp: "user", upn: "alice@contoso.example", name: "alice", appid: KV_CLI_CLIENT_ID, iss: `${ISSUER_ORIGIN}/${tenantId}/v2.0` });
    const id = jwtParts(body.id_token ?? "").payload;
    expect(id).toMatchObject({ aud: KV_CLI_CLIENT_ID, oid: user.id, tid: tenantId, nonce: "n-0S6", preferred_username: "alice@contoso.example" });
  });

  it("refuses a wrong verifier, a missing one, another redirect URI or client, and spends the code on the first try", async () => {
    const tenantId = await createTenant();
    await createUser(tenantId, "alice@contoso.example");
    const params = async () => {
      const pair = await pkcePair();
      return { pair, code: await signInForCode(tenantId, "alice@contoso.example", { code_challenge: pair.challenge, code_challenge_method: "S256" }) };
    };
    const a = await params();
    await expectGrantError(await redeem(tenantId, a.code, (await pkcePair()).verifier), "invalid_grant", 501481);
    // The failed attempt spent it: the right verifier comes too late.
    await expectGrantError(await redeem(tenantId, a.code, a.pair.verifier), "invalid_grant", 54005);
    const b = await params();
    await expectGrantError(await tokenRequest(tenantId, { grant_type: "authorization_code", code: b.code, redirect_uri: LOOPBACK }), "invalid_grant", 501481);
    const c = await params();
    await expectGrantError(await redeem(tenantId, c.code, c.pair.verifier, { redirect_uri: "http://localhost:9/other" }), "invalid_grant", 500117);
    const d = await params();
    await expectGrantError(await redeem(tenantId, d.code, d.pair.verifier, { client_id: AZURE_CLI_CLIENT_ID }), "invalid_grant", 70000);
    await expectGrantError(await redeem(tenantId, "no-such-code", d.pair.verifier), "invalid_grant", 70000);
    const secret = await redeem(tenantId, d.code, d.pair.verifier, { client_secret: "s" });
    expect(secret.status).toBe(401);
    expect(((await secret.json()) as TokenBody).error).toBe("invalid_client");
  });

  it("refuses a code after its 60 seconds, by the tenant's clock", async () => {
    const tenantId = await createTenant();
    await createUser(tenantId, "alice@contoso.example");
    const clock = new ManualClock(Date.now());
    await withTenantClock(tenantId, clock, async () => {
      const { verifier, challenge } = await pkcePair();
      const code = await signInForCode(tenantId, "alice@contoso.example", { code_challenge: challenge, code_challenge_method: "S256" });
      clock.advance(61_000);
      await expectGrantError(await redeem(tenantId, code, verifier), "invalid_grant", 70008);
    });
  });

  it("revokes what a code was exchanged for when the code is replayed (RFC 6749 4.1.2)", async () => {
    const tenantId = await createTenant();
    await createUser(tenantId, "alice@contoso.example");
    const { verifier, challenge } = await pkcePair();
    const code = await signInForCode(tenantId, "alice@contoso.example", { code_challenge: challenge, code_challenge_method: "S256" });
    const first = (await (await redeem(tenantId, code, verifier)).json()) as TokenBody;
    await expectGrantError(await redeem(tenantId, code, verifier), "invalid_grant", 54005);
    await expectGrantError(await tokenRequest(tenantId, { grant_type: "refresh_token", refresh_token: first.refresh_token ?? "" }), "invalid_grant", 9002313);
  });

  it("lets Azure CLI's client redeem a code without PKCE, as AuthorizationCodeCredential does, only if none was asked for", async () => {
    const tenantId = await createTenant();
    await createUser(tenantId, "alice@contoso.example");
    const code = await signInForCode(tenantId, "alice@contoso.example", { client_id: AZURE_CLI_CLIENT_ID });
    const response = await tokenRequest(tenantId, { client_id: AZURE_CLI_CLIENT_ID, grant_type: "authorization_code", code, redirect_uri: LOOPBACK });
    expect(response.status).toBe(200);
    const { challenge } = await pkcePair();
    const bound = await signInForCode(tenantId, "alice@contoso.example", { client_id: AZURE_CLI_CLIENT_ID, code_challenge: challenge, code_challenge_method: "S256" });
    await expectGrantError(await tokenRequest(tenantId, { client_id: AZURE_CLI_CLIENT_ID, grant_type: "authorization_code", code: bound, redirect_uri: LOOPBACK }), "invalid_grant", 501481);
  });
});
