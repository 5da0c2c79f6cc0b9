/**
 * Federated sign-in of people (issue 19; docs/sign-in.md "External identity providers"): a tenant's external OIDC
 * provider — here the local OIDC issuer, which signs in whatever identity the test types — stands in for the
 * password, and the ORIGINAL authorization request is answered as after a password sign-in. Each refusal issues
 * nothing. The Worker runs with FEDERATED_TOKEN_ISSUERS naming the local issuer (test/support/external-sign-in.ts).
 */
import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../core/domain/clock.ts";
import { ISSUER_ORIGIN, createTenant } from "../support/fixture.ts";
import { jwtParts } from "../support/identity.ts";
import { LOOPBACK, PASSWORD, authorizeUrl, createUser, openSignInPage, submitSignIn, tokenRequest, withTenantClock, type TokenBody } from "../support/sign-in.ts";
import { LOCAL_ISSUER, adminCall, call, callback, linkIdentity, localProviderSignIn, putProvider, signInThroughLocalProvider, startExternalSignIn } from "../support/external-sign-in.ts";
import { failOnlyOnTrulyUnhandledRejections } from "../support/rejections.ts";

failOnlyOnTrulyUnhandledRejections();

/** RFC 7636 Appendix B's challenge: any well-formed one serves where the code is never redeemed. */
const CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

async function tenantWithLinkedUser(subject = "ext-alice") {
  const tenantId = await createTenant();
  await putProvider(tenantId, "local");
  const user = await createUser(tenantId, "alice@contoso.example");
  await linkIdentity(tenantId, user.id, subject);
  return { tenantId, user };
}

/** A refusal: our page with the AADSTS text, no redirect, so no code reaches the client. */
async function expectRefused(response: Response, status: number, aadsts: number): Promise<void> {
  const html = await response.text();
  expect(response.status, html).toBe(status);
  expect(response.headers.get("Location")).toBeNull();
  expect(html).toContain(`AADSTS${aadsts}`);
}

async function signInRecords(tenantId: string): Promise<string> {
  const log = await adminCall("GET", `/tenants/${tenantId}/auditLog`);
  return JSON.stringify((log.body.value as { operationName: string }[]).filter((r) => r.operationName === "ExternalSignIn"));
}

describe("sign-in providers: the admin API", () => {
  it("puts, reads, lists and deletes a provider; the client secret is sealed at rest and never answered", async () => {
    const tenantId = await createTenant();
    const created = await putProvider(tenantId, "local", { scopes: ["openid", "email"] });
    expect(created).toMatchObject({ name: "local", displayName: "Local IdP", issuer: LOCAL_ISSUER, clientId: "edge-vault-test", clientAuth: "client_secret_basic", scopes: ["openid", "email"], linkByVerifiedEmail: false, redirectUri: `${ISSUER_ORIGIN}/${tenantId}/oauth2/v2.0/external/callback` });
    const replaced = await adminCall("PUT", `/tenants/${tenantId}/signInProviders/local`, { issuer: LOCAL_ISSUER, clientId: "edge-vault-test", clientAuth: "client_secret_post" });
    expect(replaced.status).toBe(200);
    const read = await adminCall("GET", `/tenants/${tenantId}/signInProviders/local`);
    const listed = await adminCall("GET", `/tenants/${tenantId}/signInProviders`);
    expect(read.body.clientAuth).toBe("client_secret_post");
    expect((listed.body.value as unknown[]).length).toBe(1);
    for (const body of [created, replaced.body, read.body, listed.body]) expect(JSON.stringify(body)).not.toContain("provider-secret-value-1");
    const stub = env.TENANT.get(env.TENANT.idFromName(tenantId));
    const stored = await runInDurableObject(stub, (_o, state) => state.storage.sql.exec<{ s: ArrayBuffer }>("SELECT sealed_client_secret AS s FROM sign_in_providers").toArray()[0]?.s);
    expect(new TextDecoder("latin1").decode(stored)).not.toContain("provider-secret-value-1");
    expect((await adminCall("DELETE", `/tenants/${tenantId}/signInProviders/local`)).status).toBe(204);
    expect((await adminCall("GET", `/tenants/${tenantId}/signInProviders/local`)).status).toBe(404);
  });

  it("refuses bad input with 400 BadParameter and changes nothing", async () => {
    const tenantId = await createTenant();
    const base = { issuer: LOCAL_ISSUER, clientId: "c", clientSecret: "s" };
    const cases: Record<string, unknown>[] = [
      { ...base, issuer: "https://not-allowed.example.com" },
      { ...base, issuer: "http://idp.example.com" },
      { issuer: LOCAL_ISSUER, clientId: "c" },
      { ...base, scopes: ["email"] },
      { ...base, clientAuth: "private_key_jwt" },
      { ...base, linkByVerifiedEmail: "yes" },
      { ...base, extra: 1 },
    ];
    for (const body of cases) {
      const put = await adminCall("PUT", `/tenants/${tenantId}/signInProviders/local`, body);
      expect(put.status, JSON.stringify(body)).toBe(400);
      expect((put.body.error as { code: string }).code).toBe("BadParameter");
    }
    expect((await adminCall("PUT", `/tenants/${tenantId}/signInProviders/a%20b`, base)).status).toBe(400);
    expect((await adminCall("GET", `/tenants/${tenantId}/signInProviders`)).body.value).toEqual([]);
  });

  it("links an external identity to one user only, lists and removes links; deleting the user removes them", async () => {
    const tenantId = await createTenant();
    const alice = await createUser(tenantId, "alice@contoso.example");
    const bob = await createUser(tenantId, "bob@contoso.example");
    await linkIdentity(tenantId, alice.id, "ext-1");
    const taken = await adminCall("POST", `/tenants/${tenantId}/users/${bob.id}/externalIdentities`, { issuer: LOCAL_ISSUER, subject: "ext-1" });
    expect(taken.status).toBe(409);
    expect((await adminCall("POST", `/tenants/${tenantId}/users/${crypto.randomUUID()}/externalIdentities`, { issuer: LOCAL_ISSUER, subject: "x" })).status).toBe(404);
    const links = (await adminCall("GET", `/tenants/${tenantId}/users/${alice.id}/externalIdentities`)).body.value as { id: string; subject: string }[];
    expect(links.map((l) => l.subject)).toEqual(["ext-1"]);
    expect((await adminCall("DELETE", `/tenants/${tenantId}/users/${alice.id}/externalIdentities/${links[0]!.id}`)).status).toBe(204);
    await linkIdentity(tenantId, bob.id, "ext-1");
    expect((await adminCall("DELETE", `/tenants/${tenantId}/users/${bob.id}`)).status).toBe(204);
    await linkIdentity(tenantId, alice.id, "ext-1");
  });
});

describe("sign-in through an external provider", () => {
  it("shows a link per provider and continues the original request: our code for the client, with its PKCE; audited with the provider", async () => {
    const { tenantId, user } = await tenantWithLinkedUser();
    const { location, verifier, answer, start } = await signInThroughLocalProvider(tenantId, { subject: "ext-alice" });
    expect(location.origin + location.pathname).toBe(`${LOCAL_ISSUER}/authorize`);
    expect(location.searchParams.get("client_id")).toBe("edge-vault-test");
    expect(location.searchParams.get("redirect_uri")).toBe(`${ISSUER_ORIGIN}/${tenantId}/oauth2/v2.0/external/callback`);
    expect(location.searchParams.get("code_challenge_method")).toBe("S256");
    expect(location.searchParams.get("nonce")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(location.searchParams.get("scope")).toBe("openid profile email");
    expect(start.headers.get("Set-Cookie")).toMatch(/__Host-external-sign-in=.*Secure.*SameSite=Lax/i);
    expect(answer.status, await answer.clone().text()).toBe(302);
    const back = new URL(answer.headers.get("Location") ?? "");
    expect(back.origin + back.pathname).toBe(LOOPBACK);
    expect(back.searchParams.get("state")).toBe("st-1");
    const redeemed = await tokenRequest(tenantId, { grant_type: "authorization_code", code: back.searchParams.get("code") ?? "", redirect_uri: LOOPBACK, code_verifier: verifier });
    const tokens = (await redeemed.json()) as TokenBody;
    expect(redeemed.status, JSON.stringify(tokens)).toBe(200);
    expect(jwtParts(tokens.id_token ?? "").payload).toMatchObject({ oid: user.id, nonce: "client-nonce", preferred_username: "alice@contoso.example" });
    const records = await signInRecords(tenantId);
    expect(records).toContain(user.id);
    expect(records).toContain("provider local");
    expect(records).toContain("Success");
  });

  it("the code it issues still needs the original client's verifier", async () => {
    const { tenantId } = await tenantWithLinkedUser();
    const { answer } = await signInThroughLocalProvider(tenantId, { subject: "ext-alice" });
    const code = new URL(answer.headers.get("Location") ?? "").searchParams.get("code") ?? "";
    const redeemed = await tokenRequest(tenantId, { grant_type: "authorization_code", code, redirect_uri: LOOPBACK, code_verifier: "x".repeat(43) });
    expect(((await redeemed.json()) as TokenBody).error_codes).toEqual([501481]);
  });

  it("refuses an identity linked to nobody (AADSTS50020), and audits it", async () => {
    const { tenantId } = await tenantWithLinkedUser();
    await expectRefused((await signInThroughLocalProvider(tenantId, { subject: "ext-mallory" })).answer, 403, 50020);
    expect(await signInRecords(tenantId)).toContain("UnknownExternalIdentity");
  });

  it("maps by email only when the admin opted in and the provider verified it", async () => {
    const { tenantId, user } = await tenantWithLinkedUser();
    const alice = { subject: "ext-unlinked", email: "Alice@Contoso.example", emailVerified: true };
    await expectRefused((await signInThroughLocalProvider(tenantId, alice)).answer, 403, 50020);
    expect((await adminCall("PUT", `/tenants/${tenantId}/signInProviders/local`, { issuer: LOCAL_ISSUER, clientId: "edge-vault-test", linkByVerifiedEmail: true })).status).toBe(200);
    await expectRefused((await signInThroughLocalProvider(tenantId, { ...alice, emailVerified: false })).answer, 403, 50020);
    const mapped = (await signInThroughLocalProvider(tenantId, alice)).answer;
    expect(mapped.status).toBe(302);
    expect(new URL(mapped.headers.get("Location") ?? "").searchParams.get("code")).toBeTruthy();
    expect(await signInRecords(tenantId)).toContain(user.id);
  });

  it("refuses a disabled user (AADSTS50057) and a locked one (AADSTS50053)", async () => {
    const { tenantId, user } = await tenantWithLinkedUser();
    expect((await adminCall("PATCH", `/tenants/${tenantId}/users/${user.id}`, { enabled: false })).status).toBe(200);
    await expectRefused((await signInThroughLocalProvider(tenantId, { subject: "ext-alice" })).answer, 403, 50057);
    expect((await adminCall("PATCH", `/tenants/${tenantId}/users/${user.id}`, { enabled: true })).status).toBe(200);
    expect((await adminCall("PUT", `/tenants/${tenantId}/signInSettings`, { lockoutThreshold: 1, lockoutMinutes: 15 })).status).toBe(200);
    const url = authorizeUrl(tenantId, { code_challenge: CHALLENGE, code_challenge_method: "S256" });
    expect((await submitSignIn(url, await openSignInPage(url), { userPrincipalName: "alice@contoso.example", password: `${PASSWORD}!` })).status).toBe(200);
    await expectRefused((await signInThroughLocalProvider(tenantId, { subject: "ext-alice" })).answer, 403, 50053);
  });

  it("refuses a tampered state, a state without its browser's cookie, and a replayed one", async () => {
    const { tenantId } = await tenantWithLinkedUser();
    const started = await startExternalSignIn(tenantId, "local");
    const back = await localProviderSignIn(started.location, { subject: "ext-alice" });
    const tampered = new URL(back);
    const state = tampered.searchParams.get("state") ?? "";
    tampered.searchParams.set("state", `${state.slice(0, -2)}${state.endsWith("AA") ? "BB" : "AA"}`);
    await expectRefused(await callback(tampered, started.bindingCookie), 400, 50000);
    await expectRefused(await callback(back, ""), 400, 50000);
    await expectRefused(await callback(back, "__Host-external-sign-in=another-browser"), 400, 50000);
    expect((await callback(back, started.bindingCookie)).status).toBe(302);
    await expectRefused(await callback(back, started.bindingCookie), 400, 50000);
    expect(await signInRecords(tenantId)).toContain("InvalidSignInState");
  });

  it("refuses a state older than ten minutes by the tenant's clock", async () => {
    const { tenantId } = await tenantWithLinkedUser();
    const started = await startExternalSignIn(tenantId, "local");
    const back = await localProviderSignIn(started.location, { subject: "ext-alice" });
    const clock = new ManualClock(Date.now() + 601_000);
    await withTenantClock(tenantId, clock, async () => expectRefused(await callback(back, started.bindingCookie), 400, 50000));
  });

  it("refuses a provider not configured, or removed while the person was away", async () => {
    const { tenantId } = await tenantWithLinkedUser();
    const unknown = await call(`${ISSUER_ORIGIN}/${tenantId}/oauth2/v2.0/authorize/external/nope?${new URL(authorizeUrl(tenantId, { code_challenge: CHALLENGE, code_challenge_method: "S256" })).search.slice(1)}`);
    await expectRefused(unknown, 400, 50000);
    const started = await startExternalSignIn(tenantId, "local");
    const back = await localProviderSignIn(started.location, { subject: "ext-alice" });
    expect((await adminCall("DELETE", `/tenants/${tenantId}/signInProviders/local`)).status).toBe(204);
    await expectRefused(await callback(back, started.bindingCookie), 400, 50000);
    expect(await signInRecords(tenantId)).toContain("ProviderNotConfigured");
  });

  it("sends the client access_denied when the person declines at the provider", async () => {
    const { tenantId } = await tenantWithLinkedUser();
    const started = await startExternalSignIn(tenantId, "local");
    const declined = new URL(`${ISSUER_ORIGIN}/${tenantId}/oauth2/v2.0/external/callback`);
    declined.searchParams.set("error", "access_denied");
    declined.searchParams.set("state", started.location.searchParams.get("state") ?? "");
    const answer = await callback(declined, started.bindingCookie);
    expect(answer.status).toBe(302);
    const back = new URL(answer.headers.get("Location") ?? "");
    expect(back.searchParams.get("error")).toBe("access_denied");
    expect(back.searchParams.get("code")).toBeNull();
    expect(await signInRecords(tenantId)).toContain("ExternalSignInDeclined");
  });

  it("the local provider serves only callers on the loopback", async () => {
    const { tenantId } = await tenantWithLinkedUser();
    const started = await startExternalSignIn(tenantId, "local");
    expect((await call(started.location.toString(), { headers: { "CF-Connecting-IP": "203.0.113.9" } })).status).toBe(404);
    expect((await call(`${LOCAL_ISSUER}/oauth2/token`, { method: "POST", headers: { "CF-Connecting-IP": "203.0.113.9" } })).status).toBe(404);
  });
});
