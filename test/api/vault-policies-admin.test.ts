/**
 * Vault policies' admin API (issue 17; docs/vault-policies.md): a tenant's assignments reach its vaults, existing and
 * made later; Azure's assignment shape; bad input on every route is an Azure-shaped 400 that changes nothing; every
 * call is in the control-plane audit log.
 */
import { describe, expect, it } from "vitest";
import { admin, assignRole, createVault, setupVault, uniqueVaultName, vaultClient } from "../support/fixture.ts";
import {
  SECRET_EXPIRY,
  SECRET_MAX_VALIDITY,
  KEY_EXPIRY,
  KEY_TYPES,
  RSA_MIN,
  EC_CURVES,
  KEY_ROTATION,
  CERT_ISSUERS,
  SLOW,
  DAY,
  now,
  body,
  assignVault,
  states,
  expectDenied,
  type ErrorBody,
  DEF,
} from "../support/policies.ts";

describe("tenant scope", () => {
  it("a tenant's assignment reaches its existing vaults and vaults made later, and its removal too", SLOW, async () => {
    const first = uniqueVaultName("poltena");
    const { tenantId, kv, principal, token } = await setupVault(first);
    expect((await kv.json("PUT", "/secrets/made-before", { value: "v" })).status).toBe(200);
    const put = await admin("PUT", `/tenants/${tenantId}/policyAssignments/Tenant-Expiry`, body(SECRET_EXPIRY, "Deny", {}, { displayName: "Secrets expire" }));
    expect(put.status).toBe(201);
    const shown = (await put.json()) as { id: string; name: string; properties: { scope: string; displayName: string; parameters: unknown; enforcementMode: string } };
    expect(shown).toMatchObject({
      id: `/tenants/${tenantId}/providers/Microsoft.Authorization/policyAssignments/Tenant-Expiry`,
      name: "Tenant-Expiry",
      properties: { scope: `/tenants/${tenantId}`, displayName: "Secrets expire", parameters: { effect: { value: "Deny" } }, enforcementMode: "Default" },
    });
    await expectDenied(await kv.json("PUT", "/secrets/s", { value: "v" }), "Secrets expire");
    expect((await states(tenantId, first)).map((r) => [r.objectName, r.policyAssignmentName, r.policyAssignmentScope])).toEqual([
      ["made-before", "Tenant-Expiry", `/tenants/${tenantId}`],
    ]);
    // A vault's own list shows only its own assignments; the tenant's are listed at the tenant.
    expect(((await (await admin("GET", `/tenants/${tenantId}/vaults/${first}/policyAssignments`)).json()) as { value: unknown[] }).value).toEqual([]);
    expect(((await (await admin("GET", `/tenants/${tenantId}/policyAssignments`)).json()) as { value: { name: string }[] }).value.map((a) => a.name)).toEqual(["Tenant-Expiry"]);

    const second = uniqueVaultName("poltenb");
    await createVault(tenantId, second);
    await assignRole(tenantId, second, principal.id, "Key Vault Administrator");
    // The second vault was made after the assignment: it applies there from the start.
    const secondKv = vaultClient(second, token);
    await expectDenied(await secondKv.json("PUT", "/secrets/s", { value: "v" }), "Secrets expire");
    expect((await states(tenantId, second)).map((r) => [r.objectKind, r.policyAssignmentScope])).toEqual([]);
    expect((await secondKv.json("PUT", "/secrets/bounded", { value: "v", attributes: { exp: now() + DAY } })).status).toBe(200);
    const get = await admin("GET", `/tenants/${tenantId}/policyAssignments/tenant-expiry`);
    expect(get.status).toBe(200);

    const del = await admin("DELETE", `/tenants/${tenantId}/policyAssignments/TENANT-EXPIRY`);
    expect(del.status).toBe(200);
    expect((await kv.json("PUT", "/secrets/s", { value: "v" })).status).toBe(200);
    expect((await admin("DELETE", `/tenants/${tenantId}/policyAssignments/tenant-expiry`)).status).toBe(204);
    expect((await admin("GET", `/tenants/${tenantId}/policyAssignments/tenant-expiry`)).status).toBe(404);
  });

  it("DoNotEnforce turns a Deny into a report", SLOW, async () => {
    const vault = uniqueVaultName("poldne");
    const { tenantId, kv } = await setupVault(vault);
    const put = await admin("PUT", `/tenants/${tenantId}/vaults/${vault}/policyAssignments/x`, body(SECRET_EXPIRY, "Deny", {}, { enforcementMode: "DoNotEnforce" }));
    expect(put.status).toBe(201);
    expect((await kv.json("PUT", "/secrets/s", { value: "v" })).status).toBe(200);
    expect((await states(tenantId, vault)).map((r) => [r.objectName, r.policyDefinitionAction])).toEqual([["s", "audit"]]);
  });
});

describe("admin routes", () => {
  it("refuse bad input on every route with an Azure-shaped 400, changing nothing", SLOW, async () => {
    const vault = uniqueVaultName("polbad");
    const { tenantId } = await setupVault(vault);
    const bad: [string, unknown][] = [
      ["ok", null],
      ["ok", {}],
      ["ok", { properties: "x" }],
      ["ok", { properties: {} }],
      ["ok", { properties: { policyDefinitionId: 42 } }],
      ["ok", { properties: { policyDefinitionId: `${DEF}00000000-0000-0000-0000-000000000000` } }],
      ["ok", { properties: { policyDefinitionId: SECRET_EXPIRY, extra: 1 } }],
      ["ok", { properties: { policyDefinitionId: SECRET_EXPIRY }, location: "westeurope" }],
      ["ok", body(SECRET_EXPIRY, "Block")],
      ["ok", body(SECRET_EXPIRY, "Audit", { unknownParam: 1 })],
      ["ok", { properties: { policyDefinitionId: SECRET_EXPIRY, parameters: { effect: "Deny" } } }],
      ["ok", { properties: { policyDefinitionId: SECRET_EXPIRY, parameters: [] } }],
      ["ok", body(SECRET_MAX_VALIDITY, "Deny")],
      ["ok", body(SECRET_MAX_VALIDITY, "Deny", { maximumValidityInDays: "90" })],
      ["ok", body(SECRET_MAX_VALIDITY, "Deny", { maximumValidityInDays: -1 })],
      ["ok", body(SECRET_MAX_VALIDITY, "Deny", { maximumValidityInDays: 1.5 })],
      ["ok", body(RSA_MIN, "Deny", { minimumRSAKeySize: 1024 })],
      ["ok", body(KEY_TYPES, "Deny", { allowedKeyTypes: ["oct"] })],
      ["ok", body(KEY_TYPES, "Deny", { allowedKeyTypes: [] })],
      ["ok", body(EC_CURVES, "Deny", { allowedECNames: "P-256" })],
      ["ok", body(CERT_ISSUERS, "Deny")],
      ["ok", body(KEY_ROTATION, "Deny", { maximumDaysToRotate: 30 })],
      ["ok", body(SECRET_EXPIRY, "Deny", {}, { displayName: "x".repeat(129) })],
      ["ok", body(SECRET_EXPIRY, "Deny", {}, { enforcementMode: "Sometimes" })],
      ["bad:name", body(SECRET_EXPIRY, "Deny")],
      ["a".repeat(65), body(SECRET_EXPIRY, "Deny")],
      ["trailing ", body(SECRET_EXPIRY, "Deny")],
    ];
    for (const base of [`/tenants/${tenantId}/policyAssignments`, `/tenants/${tenantId}/vaults/${vault}/policyAssignments`]) {
      for (const [name, input] of bad) {
        const res = await admin("PUT", `${base}/${encodeURIComponent(name)}`, input);
        const error = ((await res.json()) as ErrorBody).error;
        expect([res.status, error.code], `${name} ${JSON.stringify(input)}`).toEqual([400, "BadParameter"]);
        expect(typeof error.message).toBe("string");
      }
      const notJson = await admin("PUT", `${base}/ok`, undefined);
      expect(notJson.status).toBe(400);
      expect(((await (await admin("GET", base)).json()) as { value: unknown[] }).value).toEqual([]);
      const missing = await admin("GET", `${base}/ok`);
      expect([missing.status, ((await missing.json()) as ErrorBody).error.code]).toEqual([404, "PolicyAssignmentNotFound"]);
      expect((await admin("GET", `${base}/bad%3Aname`)).status).toBe(400);
      expect((await admin("DELETE", `${base}/bad%3Aname`)).status).toBe(400);
      expect((await admin("DELETE", `${base}/ok`)).status).toBe(204);
    }
    expect((await admin("GET", `/tenants/${tenantId}/vaults/${uniqueVaultName("none")}/policyStates`)).status).toBe(404);
    const badVault = await admin("GET", `/tenants/${tenantId}/vaults/no_such!vault/policyStates`);
    expect([badVault.status, ((await badVault.json()) as ErrorBody).error.code]).toEqual([400, "VaultNameNotValid"]);
    const noTenant = await admin("GET", `/tenants/${crypto.randomUUID()}/policyAssignments`);
    expect(noTenant.status).toBe(404);
    // Another tenant's admin sees nothing of this one.
    const other = await admin("GET", `/tenants/${tenantId}/policyAssignments`, undefined, "wrong-key-wrong-key-wrong");
    expect(other.status).toBe(401);
  });

  it("are recorded in the control-plane audit log", SLOW, async () => {
    const vault = uniqueVaultName("polaud");
    const { tenantId } = await setupVault(vault);
    await assignVault(tenantId, vault, "a", SECRET_EXPIRY, "Audit");
    expect((await admin("PUT", `/tenants/${tenantId}/vaults/${vault}/policyAssignments/a`, {})).status).toBe(400);
    expect((await admin("DELETE", `/tenants/${tenantId}/vaults/${vault}/policyAssignments/a`)).status).toBe(200);
    expect((await admin("PUT", `/tenants/${tenantId}/policyAssignments/t`, body(KEY_EXPIRY, "Audit"))).status).toBe(201);
    await states(tenantId, vault);
    const res = await admin("GET", `/tenants/${tenantId}/auditLog`);
    const ops = ((await res.json()) as { value: { operationName: string; httpStatusCode: number }[] }).value
      .filter((r) => r.operationName.includes("Polic"))
      .map((r) => [r.operationName, r.httpStatusCode]);
    expect(ops).toEqual([
      ["PolicyAssignmentPut", 201],
      ["PolicyAssignmentPut", 400],
      ["PolicyAssignmentDelete", 200],
      ["TenantPolicyAssignmentPut", 201],
      ["PolicyStatesList", 200],
    ]);
  });
});
