/**
 * The token-service shapes only `az` 2.45 needs (docs/client-contract.md §3): App Service's 2017-09-01 managed
 * identity protocol (msrestazure `get_msi_token_webapp`) and OIDC discovery under an ADFS-shaped authority (MSAL
 * validates any other non-Microsoft authority with login.microsoftonline.com).
 */
import { SELF } from "cloudflare:test";
import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { ISSUER_ORIGIN, VAULT_RESOURCE, createPrincipal, createTenant } from "../support/fixture.ts";

const legacyMsiUrl = `${ISSUER_ORIGIN}/msi/token/?resource=${encodeURIComponent(VAULT_RESOURCE)}&api-version=2017-09-01`;

describe("App Service managed identity, api-version 2017-09-01", () => {
  it("takes the identity credential in the `secret` header and answers expires_on as App Service's date", async () => {
    const tenantId = await createTenant();
    const principal = await createPrincipal(tenantId);
    const response = await SELF.fetch(legacyMsiUrl, { headers: { secret: principal.identityHeader ?? "" } });
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, string>;
    expect(Object.keys(body).sort()).toEqual(["access_token", "client_id", "expires_on", "resource", "token_type"]);
    expect(body.expires_on).toMatch(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2} \+00:00$/);
    const claims = decodeJwt(body.access_token ?? "");
    const [month, day, year, hour, minute, second] = (body.expires_on ?? "").split(/[/ :+]/).map(Number);
    expect(Date.UTC(year ?? 0, (month ?? 0) - 1, day, hour, minute, second) / 1000).toBe(claims.exp);
    expect([claims.tid, claims.oid]).toEqual([tenantId, principal.id]);
  });

  it("refuses a wrong secret, and the `secret` header under 2019-08-01", async () => {
    const tenantId = await createTenant();
    const principal = await createPrincipal(tenantId);
    const wrong = `${principal.identityHeader?.slice(0, -4)}AAAA`;
    expect((await SELF.fetch(legacyMsiUrl, { headers: { secret: wrong } })).status).toBe(400);
    const newer = legacyMsiUrl.replace("2017-09-01", "2019-08-01");
    expect((await SELF.fetch(newer, { headers: { secret: principal.identityHeader ?? "" } })).status).toBe(400);
  });
});

describe("OIDC discovery under an ADFS-shaped authority", () => {
  it("redirects /adfs/{tenant}/adfs/.well-known/openid-configuration to the tenant's discovery document", async () => {
    const tenantId = await createTenant();
    const response = await SELF.fetch(`${ISSUER_ORIGIN}/adfs/${tenantId}/adfs/.well-known/openid-configuration`, { redirect: "manual" });
    expect(response.status).toBe(302);
    const target = response.headers.get("Location") ?? "";
    expect(target).toBe(`${ISSUER_ORIGIN}/${tenantId}/v2.0/.well-known/openid-configuration`);
    const document = (await (await SELF.fetch(target)).json()) as { token_endpoint: string };
    expect(document.token_endpoint).toBe(`${ISSUER_ORIGIN}/${tenantId}/oauth2/v2.0/token`);
  });

  it("answers a tenant that is no GUID with 400 invalid_tenant, without redirecting", async () => {
    const response = await SELF.fetch(`${ISSUER_ORIGIN}/adfs/not-a-tenant/adfs/.well-known/openid-configuration`, { redirect: "manual" });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe("invalid_tenant");
  });
});
