/**
 * The portal's session plumbing over raw HTTP (docs/portal.md): the sealed cookie, CSRF bound to the session, the
 * authorization code + PKCE callback (state checked, one use), and path segments checked before they reach an API.
 */
import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ISSUER_ORIGIN, OPERATOR_KEY, createTenant } from "../support/fixture.ts";
import { Browser, PORTAL } from "../support/portal-http.ts";
import { PASSWORD, createUser, openSignInPage, submitSignIn } from "../support/sign-in.ts";
import { failOnlyOnTrulyUnhandledRejections } from "../support/rejections.ts";

failOnlyOnTrulyUnhandledRejections();

async function operator(): Promise<Browser> {
  const browser = new Browser();
  const response = await browser.post("/signin/operator", { operatorKey: OPERATOR_KEY, _csrf: await browser.csrf("/signin") });
  expect(response.headers.get("Location")).toBe("/portal/tenants");
  return browser;
}

describe("the portal's session", () => {
  it("signs the operator in with a sealed, HttpOnly, Secure, SameSite=Strict cookie; a tampered one is no session", async () => {
    const browser = await operator();
    expect((await browser.fetch(`${PORTAL}/tenants`)).status).toBe(200);
    browser.tamper();
    const response = await browser.fetch(`${PORTAL}/tenants`);
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe("/portal/signin");
  });

  it("refuses a post without the session's CSRF token, or with another session's, and creates nothing", async () => {
    const browser = await operator();
    const stranger = new Browser();
    const foreign = await stranger.csrf("/signin");
    for (const fields of [{ displayName: "forged" }, { displayName: "forged", _csrf: foreign }] as Record<string, string>[]) {
      expect((await browser.post("/tenants", fields)).status).toBe(403);
    }
    const tenants = (await (await SELF.fetch(`${ISSUER_ORIGIN}/admin/tenants`, { headers: { Authorization: `Bearer ${OPERATOR_KEY}` } })).json()) as { value: { displayName: string }[] };
    expect(tenants.value.map((t) => t.displayName)).not.toContain("forged");
  });

  it("refuses a wrong operator key and keeps the visitor signed out", async () => {
    const browser = new Browser();
    const response = await browser.post("/signin/operator", { operatorKey: "wrong-operator-key-0000", _csrf: await browser.csrf("/signin") });
    expect(response.headers.get("Location")).toBe("/portal/signin");
    expect((await browser.fetch(`${PORTAL}/tenants`)).headers.get("Location")).toBe("/portal/signin");
  });

  it("answers 404 for a tenant or vault path segment that is not one", async () => {
    const browser = await operator();
    expect((await browser.fetch(`${PORTAL}/t/not-a-guid/vaults`)).status).toBe(404);
    expect((await browser.fetch(`${PORTAL}/t/${crypto.randomUUID()}/vaults/a%2Fb/secrets`)).status).toBe(404);
  });
});

describe("a person's sign-in through the portal (authorization code + PKCE)", () => {
  async function startSignIn(browser: Browser, tenantId: string): Promise<string> {
    const response = await browser.post("/signin/person", { tenantId, _csrf: await browser.csrf("/signin") });
    const authorize = new URL(response.headers.get("Location") ?? "");
    expect(authorize.pathname).toBe(`/${tenantId}/oauth2/v2.0/authorize`);
    expect(authorize.searchParams.get("redirect_uri")).toBe(`${ISSUER_ORIGIN}/portal/callback`);
    expect(authorize.searchParams.get("code_challenge_method")).toBe("S256");
    expect(authorize.searchParams.get("code_challenge")).toMatch(/^[\w-]{43}$/);
    return authorize.toString();
  }

  async function codeRedirect(url: string, upn: string): Promise<string> {
    const page = await openSignInPage(url);
    const response = await submitSignIn(url, page, { userPrincipalName: upn, password: PASSWORD });
    expect(response.status).toBe(302);
    return response.headers.get("Location") ?? "";
  }

  it("signs the person in, and the callback cannot be replayed", async () => {
    const tenantId = await createTenant();
    const user = await createUser(tenantId, "ada@example.com", { tenantAdmin: true });
    const browser = new Browser();
    const callback = await codeRedirect(await startSignIn(browser, tenantId), user.userPrincipalName);
    const signedIn = await browser.fetch(callback);
    expect(signedIn.headers.get("Location")).toBe(`/portal/t/${tenantId}/vaults`);
    const page = await browser.fetch(`${PORTAL}/t/${tenantId}/vaults`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("ada@example.com");
    // The same callback again: its state was spent by the sign-in.
    const replay = await browser.fetch(callback);
    expect(replay.headers.get("Location")).toBe("/portal/signin");
    expect((await browser.fetch(`${PORTAL}/t/${tenantId}/vaults`)).headers.get("Location")).toBe("/portal/signin");
  });

  it("signs out: the session ends, and its refresh token is revoked at the token service", async () => {
    const tenantId = await createTenant();
    const user = await createUser(tenantId, "grace@example.com", { tenantAdmin: true });
    const browser = new Browser();
    await browser.fetch(await codeRedirect(await startSignIn(browser, tenantId), user.userPrincipalName));
    // A copy of the cookies taken before sign-out holds the same refresh token and no admin API token yet.
    const stolen = browser.copy();
    const signedOut = await browser.post("/signout", { _csrf: await browser.csrf("/signin") });
    expect(signedOut.headers.get("Location")).toBe("/portal/signin");
    expect((await browser.fetch(`${PORTAL}/t/${tenantId}/vaults`)).headers.get("Location")).toBe("/portal/signin");
    // The copy must renew with the revoked refresh token to reach the admin API: refused, so the API answers 401.
    const page = await (await stolen.fetch(`${PORTAL}/t/${tenantId}/principals`)).text();
    expect(page).toContain("A valid operator key or tenant-admin token is required.");
    expect(page).not.toContain("grace@example.com</td>");
  });

  it("refuses a callback whose state is not the one this browser started (login CSRF)", async () => {
    const tenantId = await createTenant();
    const user = await createUser(tenantId, "eve@example.com");
    const attacker = new Browser();
    const victim = new Browser();
    const callback = await codeRedirect(await startSignIn(attacker, tenantId), user.userPrincipalName);
    await startSignIn(victim, tenantId);
    const response = await victim.fetch(callback);
    expect(response.headers.get("Location")).toBe("/portal/signin");
    expect((await victim.fetch(`${PORTAL}/t/${tenantId}/vaults`)).headers.get("Location")).toBe("/portal/signin");
  });
});
