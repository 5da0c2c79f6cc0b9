import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import {
  ISSUER_ORIGIN,
  OPERATOR_KEY,
  admin,
  createPrincipal,
  createTenant,
  createVault,
  tokenFor,
  uniqueVaultName,
} from "../support/fixture.ts";
import { clientCredentialsToken, errorCode } from "../support/identity.ts";
import { failOnlyOnTrulyUnhandledRejections } from "../support/rejections.ts";

failOnlyOnTrulyUnhandledRejections();

const ADMIN_RESOURCE = `${ISSUER_ORIGIN}/admin`;

async function tenantAdminToken(tenantId: string): Promise<{ id: string; token: string }> {
  const principal = await createPrincipal(tenantId, "managedIdentity", { tenantAdmin: true });
  return { id: principal.id, token: await tokenFor(principal.identityHeader as string, ADMIN_RESOURCE) };
}

async function expectUnauthorized(response: Response, label: string): Promise<void> {
  const error = await errorCode(response);
  expect(error.status, `${label}: ${error.code} ${error.message}`).toBe(401);
  expect(error.code, label).toBe("Unauthorized");
}

describe("operator key", () => {
  it("is required: no Authorization header -> 401 Unauthorized", async () => {
    const tenantId = await createTenant();
    for (const [method, path] of [
      ["GET", "/admin/tenants"],
      ["POST", "/admin/tenants"],
      ["GET", `/admin/tenants/${tenantId}`],
      ["DELETE", `/admin/tenants/${tenantId}`],
      ["GET", `/admin/tenants/${tenantId}/vaults`],
      ["PUT", `/admin/tenants/${tenantId}/vaults/noauthvault`],
      ["POST", `/admin/tenants/${tenantId}/principals`],
      ["GET", "/admin/roleDefinitions"],
      ["PUT", "/admin/local-default-identity"],
    ] as const) {
      const response = await SELF.fetch(`${ISSUER_ORIGIN}${path}`, {
        method,
        headers: { "Content-Type": "application/json" },
        ...(method === "GET" || method === "DELETE" ? {} : { body: "{}" }),
      });
      await expectUnauthorized(response, `${method} ${path}`);
    }
    // Nothing happened: the tenant is still there and has no vault.
    expect((await admin("GET", `/tenants/${tenantId}`)).status).toBe(200);
    expect(await (await admin("GET", `/tenants/${tenantId}/vaults`)).json()).toStrictEqual({ value: [] });
  });

  it("must match exactly: wrong keys -> 401 Unauthorized", async () => {
    const tenantId = await createTenant();
    const wrong = [
      "wrong-operator-key-0123456789",
      OPERATOR_KEY.toUpperCase(),
      OPERATOR_KEY.slice(0, -1),
      `${OPERATOR_KEY}x`,
      `x${OPERATOR_KEY}`,
    ];
    for (const key of wrong) {
      await expectUnauthorized(await admin("GET", "/tenants", undefined, key), `GET /tenants with ${key}`);
      await expectUnauthorized(await admin("POST", "/tenants", { displayName: "x" }, key), `POST /tenants with ${key}`);
      await expectUnauthorized(await admin("GET", `/tenants/${tenantId}`, undefined, key), `GET /tenants/{id} with ${key}`);
    }
    const basic = await SELF.fetch(`${ISSUER_ORIGIN}/admin/tenants`, { headers: { Authorization: `Basic ${OPERATOR_KEY}` } });
    await expectUnauthorized(basic, "Basic scheme");
    const listed = (await (await admin("GET", "/tenants")).json()) as { value: unknown[] };
    expect(listed.value).toHaveLength(1);
  });

  it("grants every route", async () => {
    expect((await admin("GET", "/tenants")).status).toBe(200);
    expect((await admin("GET", "/roleDefinitions")).status).toBe(200);
    const tenantId = await createTenant();
    expect((await admin("GET", `/tenants/${tenantId}`)).status).toBe(200);
  });
});

describe("tenant admin", () => {
  it("manages its own tenant's vaults, principals and role assignments", async () => {
    const tenantId = await createTenant();
    const { token } = await tenantAdminToken(tenantId);
    const vault = uniqueVaultName("tadm");

    expect((await admin("GET", `/tenants/${tenantId}`, undefined, token)).status).toBe(200);
    expect((await admin("PUT", `/tenants/${tenantId}/vaults/${vault}`, {}, token)).status).toBe(201);
    const vaults = (await (await admin("GET", `/tenants/${tenantId}/vaults`, undefined, token)).json()) as { value: { name: string }[] };
    expect(vaults.value.map((v) => v.name)).toStrictEqual([vault]);

    const created = await admin("POST", `/tenants/${tenantId}/principals`, { type: "managedIdentity" }, token);
    expect(created.status).toBe(201);
    const principal = (await created.json()) as { id: string };
    const assignment = await admin(
      "PUT",
      `/tenants/${tenantId}/vaults/${vault}/roleAssignments/${crypto.randomUUID()}`,
      { roleDefinitionName: "Key Vault Secrets User", principalId: principal.id },
      token,
    );
    expect(assignment.status).toBe(201);
    expect((await admin("GET", `/tenants/${tenantId}/principals`, undefined, token)).status).toBe(200);
    expect((await admin("DELETE", `/tenants/${tenantId}/principals/${principal.id}`, undefined, token)).status).toBe(204);
    expect((await admin("DELETE", `/tenants/${tenantId}/vaults/${vault}`, undefined, token)).status).toBe(204);
  });

  it("also works with a service principal's client-credentials token for the admin resource", async () => {
    const tenantId = await createTenant();
    const sp = await createPrincipal(tenantId, "servicePrincipal", { tenantAdmin: true });
    const token = await clientCredentialsToken(tenantId, sp.appId, sp.clientSecret as string, `${ADMIN_RESOURCE}/.default`);
    expect((await admin("GET", `/tenants/${tenantId}/vaults`, undefined, token)).status).toBe(200);
  });

  it("gets 401 for another tenant, and changes nothing there", async () => {
    const own = await createTenant();
    const other = await createTenant();
    await createVault(other, uniqueVaultName("oth"));
    const { token } = await tenantAdminToken(own);
    const vault = uniqueVaultName("tadx");
    for (const [method, path, body] of [
      ["GET", `/tenants/${other}`, undefined],
      ["GET", `/tenants/${other}/vaults`, undefined],
      ["PUT", `/tenants/${other}/vaults/${vault}`, {}],
      ["GET", `/tenants/${other}/principals`, undefined],
      ["POST", `/tenants/${other}/principals`, { type: "managedIdentity" }],
    ] as const) {
      await expectUnauthorized(await admin(method, path, body, token), `${method} ${path}`);
    }
    const otherVaults = (await (await admin("GET", `/tenants/${other}/vaults`)).json()) as { value: unknown[] };
    expect(otherVaults.value).toHaveLength(1);
    const otherPrincipals = (await (await admin("GET", `/tenants/${other}/principals`)).json()) as { value: unknown[] };
    expect(otherPrincipals.value).toHaveLength(0);
  });

  it.each([
    ["POST", "/tenants"],
    ["GET", "/tenants"],
    ["DELETE", "/tenants/{own}"],
    ["PUT", "/local-default-identity"],
  ] as const)("gets 403 Forbidden for the operator-only route %s %s", async (method, template) => {
    const tenantId = await createTenant();
    const mi = await createPrincipal(tenantId);
    const { token } = await tenantAdminToken(tenantId);
    const path = template.replace("{own}", tenantId);
    const body = method === "POST" ? { displayName: "sneaky" } : method === "PUT" ? { tenantId, principalId: mi.id } : undefined;
    const error = await errorCode(await admin(method, path, body, token));
    expect({ status: error.status, code: error.code }, error.message).toStrictEqual({ status: 403, code: "Forbidden" });
    // And nothing changed.
    const tenants = (await (await admin("GET", "/tenants")).json()) as { value: unknown[] };
    expect(tenants.value).toHaveLength(1);
    expect((await admin("GET", `/tenants/${tenantId}`)).status).toBe(200);
  });

  it("requires the admin flag, the admin audience and a principal that still exists", async () => {
    const tenantId = await createTenant();
    const plain = await createPrincipal(tenantId);
    const plainToken = await tokenFor(plain.identityHeader as string, ADMIN_RESOURCE);
    await expectUnauthorized(await admin("GET", `/tenants/${tenantId}/vaults`, undefined, plainToken), "not a tenant admin");

    const adminPrincipal = await createPrincipal(tenantId, "managedIdentity", { tenantAdmin: true });
    const vaultAudience = await tokenFor(adminPrincipal.identityHeader as string);
    await expectUnauthorized(await admin("GET", `/tenants/${tenantId}/vaults`, undefined, vaultAudience), "vault audience");

    const token = await tokenFor(adminPrincipal.identityHeader as string, ADMIN_RESOURCE);
    expect((await admin("GET", `/tenants/${tenantId}/vaults`, undefined, token)).status).toBe(200);
    expect((await admin("DELETE", `/tenants/${tenantId}/principals/${adminPrincipal.id}`)).status).toBe(204);
    await expectUnauthorized(await admin("GET", `/tenants/${tenantId}/vaults`, undefined, token), "deleted principal");
  });

  it("gets 401 once its tenant has been deleted", async () => {
    const tenantId = await createTenant();
    const { token } = await tenantAdminToken(tenantId);
    expect((await admin("GET", `/tenants/${tenantId}/vaults`, undefined, token)).status).toBe(200);
    expect((await admin("DELETE", `/tenants/${tenantId}`)).status).toBe(204);
    await expectUnauthorized(await admin("GET", `/tenants/${tenantId}/vaults`, undefined, token), "deleted tenant");
    await expectUnauthorized(await admin("GET", `/tenants/${tenantId}`, undefined, token), "deleted tenant");
  });

  it("does not accept a forged or altered token", async () => {
    const tenantId = await createTenant();
    const { token } = await tenantAdminToken(tenantId);
    const [h, p, s = ""] = token.split(".");
    const i = Math.floor(s.length / 2);
    const altered = `${h}.${p}.${s.slice(0, i)}${s[i] === "A" ? "B" : "A"}${s.slice(i + 1)}`;
    await expectUnauthorized(await admin("GET", `/tenants/${tenantId}/vaults`, undefined, altered), "altered signature");
    const none = `${btoa(JSON.stringify({ alg: "none" })).replace(/=+$/, "")}.${p}.`;
    await expectUnauthorized(await admin("GET", `/tenants/${tenantId}/vaults`, undefined, none), "alg none");
  });
});
