import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ISSUER_ORIGIN, admin, assignRole, createPrincipal, createTenant, createVault, tokenFor, uniqueVaultName } from "../support/fixture.ts";
import { failOnlyOnTrulyUnhandledRejections } from "../support/rejections.ts";
import { expectError, readJson } from "../support/secrets.ts";

failOnlyOnTrulyUnhandledRejections();

interface AuditEvent {
  operationName: string;
  requestId: string;
  tenantId: string;
  vaultName: string;
  resultCode: string;
  httpStatusCode: number;
  identity: { claim: { oid: string; appid: string }; principalType: string } | null;
}

/** Makes every audit insert fail, as a full or broken store would. */
const REFUSE_AUDIT = "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'audit store unavailable'); END";

const registry = () => env.REGISTRY.get(env.REGISTRY.idFromName("registry"));

async function tenantAdminToken(tenantId: string): Promise<{ id: string; token: string }> {
  const principal = await createPrincipal(tenantId, "managedIdentity", { tenantAdmin: true });
  return { id: principal.id, token: await tokenFor(principal.identityHeader as string, `${ISSUER_ORIGIN}/admin`) };
}

async function events(path: string, key?: string): Promise<AuditEvent[]> {
  const all: AuditEvent[] = [];
  let url: string | null = `${path}${path.includes("?") ? "&" : "?"}maxresults=25`;
  while (url !== null) {
    const response: Response = await admin("GET", url.replace(`${ISSUER_ORIGIN}/admin`, ""), undefined, key);
    const page = await readJson<{ value: AuditEvent[]; nextLink: string | null }>(response);
    expect(page.status, JSON.stringify(page.body)).toBe(200);
    all.push(...page.body.value);
    url = page.body.nextLink;
  }
  return all;
}

describe("control-plane audit log", () => {
  it("records every admin request once, with its operation, outcome, caller and request id", async () => {
    const tenantId = await createTenant();
    const vault = uniqueVaultName("cpa");
    // "azure", the admin API's default: no settings request of the fixture's among the records.
    await createVault(tenantId, vault, {}, "azure");
    const principal = await createPrincipal(tenantId);
    await assignRole(tenantId, vault, principal.id, "Key Vault Secrets User");
    const missing = await admin("GET", `/tenants/${tenantId}/vaults/${uniqueVaultName("none")}`);
    expect(missing.status).toBe(404);
    const refused = await admin("POST", `/tenants/${tenantId}/principals`, { type: "managedIdentity" }, "not-the-operator-key-at-all");
    expect(refused.status).toBe(401);

    const records = await events(`/tenants/${tenantId}/auditLog`);
    expect(records.map((r) => [r.operationName, r.httpStatusCode, r.resultCode])).toEqual([
      ["TenantCreate", 201, "Success"],
      ["VaultPut", 201, "Success"],
      ["PrincipalCreate", 201, "Success"],
      ["RoleAssignmentPut", 201, "Success"],
      ["VaultGet", 404, "VaultNotFound"],
      ["PrincipalCreate", 401, "Unauthorized"],
      // Written ahead: the query's own record exists, still Pending, while the query runs.
      ["ControlPlaneAuditLogQuery", 0, "Pending"],
    ]);
    expect(records.slice(0, 5).every((r) => r.identity?.principalType === "Operator")).toBe(true);
    expect(records[5]?.identity).toBeNull();
    expect(records[3]?.vaultName).toBe(vault.toLowerCase());
    expect(records[4]?.requestId).toBe(missing.headers.get("x-ms-request-id"));
  });

  it("a tenant admin reads only its own tenant's records; the whole log is the operator's", async () => {
    const tenantId = await createTenant();
    const other = await createTenant();
    await createPrincipal(other);
    const { id, token } = await tenantAdminToken(tenantId);
    expect((await admin("GET", `/tenants/${tenantId}/principals`, undefined, token)).status).toBe(200);

    const own = await events(`/tenants/${tenantId}/auditLog`, token);
    expect(own.every((r) => r.tenantId === tenantId)).toBe(true);
    const list = own.find((r) => r.operationName === "PrincipalList");
    expect(list?.identity).toEqual({ claim: { oid: id, appid: expect.any(String) }, principalType: "TenantAdmin" });
    expectError(await readJson(await admin("GET", `/tenants/${other}/auditLog`, undefined, token)), 401, "Unauthorized");
    expectError(await readJson(await admin("GET", "/auditLog", undefined, token)), 403, "Forbidden");

    const everything = await events(`/auditLog?operation=TenantCreate`);
    expect(everything.map((r) => r.tenantId)).toEqual(expect.arrayContaining([tenantId, other]));
  });

  it("filters are validated: a bad range is 400 BadParameter", async () => {
    const tenantId = await createTenant();
    const bad = await admin("GET", `/tenants/${tenantId}/auditLog?from=2030-01-02T00:00:00Z&to=2030-01-01T00:00:00Z`);
    expectError(await readJson(bad), 400, "BadParameter");
  });

  it("fails closed: when the record cannot be written, the request does not run", async () => {
    const before = await runInDurableObject(registry(), (instance) => instance.listTenants());
    await runInDurableObject(registry(), (_instance, state) => {
      state.storage.sql.exec(REFUSE_AUDIT);
    });
    try {
      const response = await readJson<{ error: { code: string } }>(await admin("POST", "/tenants", { displayName: "unrecorded" }));
      expect([response.status, response.body.error.code]).toEqual([503, "ServiceUnavailable"]);
    } finally {
      await runInDurableObject(registry(), (_instance, state) => {
        state.storage.sql.exec("DROP TRIGGER refuse_audit");
      });
    }
    const after = await runInDurableObject(registry(), (instance) => instance.listTenants());
    expect(after).toHaveLength(before.length);
  });
});
