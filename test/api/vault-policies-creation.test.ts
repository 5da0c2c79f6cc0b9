/**
 * A vault being made is judged against its tenant's policy assignments as its later settings changes are
 * (worker/clients/policy-push.ts, docs/vault-policies.md): a tenant whose "firewall enabled" assignment denies refuses
 * a vault created with the firewall off — 403 ForbiddenByPolicy, no vault made, the name free — and admits one with it on.
 */
import { describe, expect, it } from "vitest";
import { admin, createTenant, uniqueVaultName } from "../support/fixture.ts";
import { FIREWALL, body, expectDenied } from "../support/policies.ts";

describe("making a vault under its tenant's policies", () => {
  it("refuses a vault without a firewall where the tenant denies it, and makes one with the firewall on", async () => {
    const tenantId = await createTenant();
    expect((await admin("PUT", `/tenants/${tenantId}/policyAssignments/firewall`, body(FIREWALL, "Deny", {}, { displayName: "Firewall on" }))).status).toBe(201);
    const name = uniqueVaultName("polmk");
    const open = await admin("PUT", `/tenants/${tenantId}/vaults/${name}`, {});
    await expectDenied({ status: open.status, body: await open.json() }, "Firewall on");
    expect((await admin("GET", `/tenants/${tenantId}/vaults/${name}`)).status).toBe(404);

    const closed = await admin("PUT", `/tenants/${tenantId}/vaults/${name}`, { networkAcls: { defaultAction: "Deny", ipRules: [{ value: "203.0.113.0/24" }] } });
    expect(closed.status).toBe(201);
  });
});
