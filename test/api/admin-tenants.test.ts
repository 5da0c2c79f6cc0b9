import { describe, expect, it } from "vitest";
import { SELF } from "cloudflare:test";
import {
  ISSUER_ORIGIN,
  admin,
  assignRole,
  createPrincipal,
  createTenant,
  createVault,
  tokenFor,
  vaultClient,
  uniqueVaultName,
} from "../support/fixture.ts";
import { errorCode } from "../support/identity.ts";
import { failOnlyOnTrulyUnhandledRejections } from "../support/rejections.ts";

failOnlyOnTrulyUnhandledRejections();

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface TenantJson {
  id: string;
  displayName: string;
  created: number;
}

describe("tenants", () => {
  it("are created, read, listed and deleted", async () => {
    const created = await admin("POST", "/tenants", { displayName: "Contoso" });
    expect(created.status).toBe(201);
    const tenant = (await created.json()) as TenantJson;
    expect(tenant.id).toMatch(UUID);
    expect(tenant.displayName).toBe("Contoso");
    expect(Math.abs(tenant.created - Date.now() / 1000)).toBeLessThan(120);

    const got = await admin("GET", `/tenants/${tenant.id}`);
    expect(got.status).toBe(200);
    expect(await got.json()).toStrictEqual(tenant);

    const second = await createTenant("Fabrikam");
    const list = (await (await admin("GET", "/tenants")).json()) as { value: TenantJson[] };
    expect(list.value.map((t) => t.id).sort()).toStrictEqual([tenant.id, second].sort());

    expect((await admin("DELETE", `/tenants/${tenant.id}`)).status).toBe(204);
    const gone = await errorCode(await admin("GET", `/tenants/${tenant.id}`));
    expect([gone.status, gone.code]).toStrictEqual([404, "TenantNotFound"]);
    const after = (await (await admin("GET", "/tenants")).json()) as { value: TenantJson[] };
    expect(after.value.map((t) => t.id)).toStrictEqual([second]);
    expect((await admin("DELETE", `/tenants/${tenant.id}`)).status).toBe(404);
  });

  it("default the display name and validate it", async () => {
    const created = (await (await admin("POST", "/tenants", {})).json()) as TenantJson;
    expect(created.displayName).toBe("tenant");
    const bad = await errorCode(await admin("POST", "/tenants", { displayName: 42 }));
    expect([bad.status, bad.code]).toStrictEqual([400, "BadParameter"]);
    const tooLong = await errorCode(await admin("POST", "/tenants", { displayName: "x".repeat(257) }));
    expect(tooLong.status).toBe(400);
  });

  it("that do not exist are 404 TenantNotFound", async () => {
    for (const id of [crypto.randomUUID(), "not-a-guid"]) {
      const error = await errorCode(await admin("GET", `/tenants/${id}`));
      expect([error.status, error.code]).toStrictEqual([404, "TenantNotFound"]);
    }
  });

  it("cannot be deleted while they have vaults (409), and can be afterwards", async () => {
    const tenantId = await createTenant();
    const vault = uniqueVaultName("tdel");
    await createVault(tenantId, vault);
    const refused = await errorCode(await admin("DELETE", `/tenants/${tenantId}`));
    expect([refused.status, refused.code]).toStrictEqual([409, "Conflict"]);
    expect((await admin("GET", `/tenants/${tenantId}`)).status).toBe(200);
    expect((await admin("GET", `/tenants/${tenantId}/vaults/${vault}`)).status).toBe(200);

    expect((await admin("DELETE", `/tenants/${tenantId}/vaults/${vault}`)).status).toBe(204);
    // A soft-deleted vault still holds its name for the tenant: purged, the tenant can go.
    expect((await admin("DELETE", `/tenants/${tenantId}`)).status).toBe(409);
    expect((await admin("POST", `/tenants/${tenantId}/deletedVaults/${vault}/purge`)).status).toBe(200);
    expect((await admin("DELETE", `/tenants/${tenantId}`)).status).toBe(204);
  });

  it("once deleted, issue no more tokens and publish no more keys", async () => {
    const tenantId = await createTenant();
    const mi = await createPrincipal(tenantId);
    expect((await admin("DELETE", `/tenants/${tenantId}`)).status).toBe(204);
    const token = await SELF.fetch(`${ISSUER_ORIGIN}/msi/token?api-version=2019-08-01&resource=https%3A%2F%2Fvault.localhost%3A8443`, {
      headers: { "X-IDENTITY-HEADER": mi.identityHeader as string },
    });
    expect(token.status).toBe(400);
    expect(await token.text()).not.toContain("access_token");
    expect((await SELF.fetch(`${ISSUER_ORIGIN}/${tenantId}/v2.0/.well-known/openid-configuration`)).status).not.toBe(200);
    expect((await admin("POST", `/tenants/${tenantId}/principals`, { type: "managedIdentity" })).status).toBe(404);
  });
});

describe("principals", () => {
  it("a managed identity comes with an identity header, shown only once", async () => {
    const tenantId = await createTenant();
    const response = await admin("POST", `/tenants/${tenantId}/principals`, { type: "managedIdentity", displayName: "web-app" });
    expect(response.status).toBe(201);
    const created = (await response.json()) as Record<string, unknown>;
    expect(created).toMatchObject({ type: "managedIdentity", displayName: "web-app", tenantAdmin: false });
    expect(created.id).toMatch(UUID);
    expect(created.appId).toMatch(UUID);
    expect(created.id).not.toBe(created.appId);
    expect(typeof created.identityHeader).toBe("string");
    expect(created.clientSecret).toBeUndefined();

    const secret = (created.identityHeader as string).split(".")[3] as string;
    const got = await admin("GET", `/tenants/${tenantId}/principals/${created.id as string}`);
    const gotText = await got.text();
    expect(got.status).toBe(200);
    expect(gotText).not.toContain(secret);
    const gotBody = JSON.parse(gotText) as Record<string, unknown>;
    expect(gotBody.identityHeader).toBeUndefined();
    expect(gotBody).toMatchObject({ id: created.id, appId: created.appId, type: "managedIdentity", displayName: "web-app" });

    const listText = await (await admin("GET", `/tenants/${tenantId}/principals`)).text();
    expect(listText).not.toContain(secret);
    expect((JSON.parse(listText) as { value: { id: string }[] }).value.map((p) => p.id)).toStrictEqual([created.id]);
  });

  it("a service principal comes with a client secret, shown only once", async () => {
    const tenantId = await createTenant();
    const response = await admin("POST", `/tenants/${tenantId}/principals`, { type: "servicePrincipal", tenantAdmin: true });
    expect(response.status).toBe(201);
    const created = (await response.json()) as Record<string, unknown>;
    expect(created).toMatchObject({ type: "servicePrincipal", tenantAdmin: true });
    expect(typeof created.clientSecret).toBe("string");
    expect((created.clientSecret as string).length).toBeGreaterThanOrEqual(32);
    expect(created.identityHeader).toBeUndefined();

    const secret = created.clientSecret as string;
    const gotText = await (await admin("GET", `/tenants/${tenantId}/principals/${created.id as string}`)).text();
    expect(gotText).not.toContain(secret);
    expect((JSON.parse(gotText) as Record<string, unknown>).clientSecret).toBeUndefined();
    expect(await (await admin("GET", `/tenants/${tenantId}/principals`)).text()).not.toContain(secret);
  });

  it("validate type and tenantAdmin", async () => {
    const tenantId = await createTenant();
    for (const body of [{}, { type: "user" }, { type: "managedIdentity", tenantAdmin: "yes" }, { type: "servicePrincipal", displayName: 7 }]) {
      const error = await errorCode(await admin("POST", `/tenants/${tenantId}/principals`, body));
      expect([error.status, error.code], JSON.stringify(body)).toStrictEqual([400, "BadParameter"]);
    }
    expect(await (await admin("GET", `/tenants/${tenantId}/principals`)).json()).toStrictEqual({ value: [] });
  });

  it("are 404 in an unknown tenant, when unknown, or when asked for through another tenant", async () => {
    const tenantA = await createTenant();
    const tenantB = await createTenant();
    const mi = await createPrincipal(tenantA);
    expect((await admin("POST", `/tenants/${crypto.randomUUID()}/principals`, { type: "managedIdentity" })).status).toBe(404);
    const unknown = await errorCode(await admin("GET", `/tenants/${tenantA}/principals/${crypto.randomUUID()}`));
    expect([unknown.status, unknown.code]).toStrictEqual([404, "PrincipalNotFound"]);
    const foreign = await errorCode(await admin("GET", `/tenants/${tenantB}/principals/${mi.id}`));
    expect([foreign.status, foreign.code]).toStrictEqual([404, "PrincipalNotFound"]);
    expect((await admin("DELETE", `/tenants/${tenantB}/principals/${mi.id}`)).status).toBe(404);
    expect((await admin("GET", `/tenants/${tenantA}/principals/${mi.id}`)).status).toBe(200);
  });

  it("deleting a principal revokes its role assignments in every vault of the tenant", async () => {
    const tenantId = await createTenant();
    const vault1 = uniqueVaultName("prv");
    const vault2 = uniqueVaultName("prw");
    await createVault(tenantId, vault1);
    await createVault(tenantId, vault2);
    const mi = await createPrincipal(tenantId);
    const keep = await createPrincipal(tenantId);
    await assignRole(tenantId, vault1, mi.id, "Key Vault Secrets Officer");
    await assignRole(tenantId, vault2, mi.id, "Key Vault Reader");
    await assignRole(tenantId, vault1, keep.id, "Key Vault Secrets Officer");
    const token = await tokenFor(mi.identityHeader as string);
    expect((await vaultClient(vault1, token).json("GET", "/secrets")).status).toBe(200);
    expect((await vaultClient(vault2, token).json("GET", "/secrets")).status).toBe(200);

    expect((await admin("DELETE", `/tenants/${tenantId}/principals/${mi.id}`)).status).toBe(204);
    expect((await admin("GET", `/tenants/${tenantId}/principals/${mi.id}`)).status).toBe(404);

    for (const vault of [vault1, vault2]) {
      const assignments = (await (await admin("GET", `/tenants/${tenantId}/vaults/${vault}/roleAssignments`)).json()) as {
        value: { principalId: string }[];
      };
      expect(assignments.value.map((a) => a.principalId)).not.toContain(mi.id);
      // The token is still cryptographically valid until it expires; the vault must refuse it by RBAC.
      const error = await errorCode(await vaultClient(vault, token).request("GET", "/secrets"));
      expect([error.status, error.code, error.inner], vault).toStrictEqual([403, "Forbidden", "ForbiddenByRbac"]);
    }
    // Other principals keep theirs.
    const keepToken = await tokenFor(keep.identityHeader as string);
    expect((await vaultClient(vault1, keepToken).json("GET", "/secrets")).status).toBe(200);
  });

  it("cannot be deleted by application id", async () => {
    const tenantId = await createTenant();
    const mi = await createPrincipal(tenantId);
    expect((await admin("DELETE", `/tenants/${tenantId}/principals/${mi.appId}`)).status).toBe(404);
    expect((await admin("GET", `/tenants/${tenantId}/principals/${mi.id}`)).status).toBe(200);
  });
});
