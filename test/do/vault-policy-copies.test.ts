/**
 * How a tenant's policy assignments reach a vault (docs/vault-policies.md "How a tenant's assignment reaches its
 * vaults"): the copy a new vault takes at creation never overwrites a newer one pushed meanwhile, and a tenant DELETE
 * clears a copy a vault still holds even when the tenant has none.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { policyAssignmentInput } from "../../core/domain/policy/policy-assignment-input.ts";
import type { PolicyAssignment } from "../../core/domain/policy/policy-assignment.ts";
import { admin, setupVault, uniqueVaultName } from "../support/fixture.ts";

const SECRET_EXPIRY = "/providers/Microsoft.Authorization/policyDefinitions/98728c90-32c7-4049-8429-847dc0f4fe37";
const vaultStub = (name: string) => env.VAULT.get(env.VAULT.idFromName(name.toLowerCase()));
const tenantCopy = (effect: string, created: number): PolicyAssignment =>
  policyAssignmentInput("tenant", "expire", { properties: { policyDefinitionId: SECRET_EXPIRY, parameters: { effect: { value: effect } } } }, created);

describe("a vault's copies of its tenant's assignments", () => {
  it("seeding at creation fills in only names no push has reached", async () => {
    const vault = uniqueVaultName("polseed");
    await setupVault(vault);
    const stub = vaultStub(vault);
    // A push of the newer version arrives before the creation's copy of the older one.
    expect((await stub.managePolicies({ kind: "put", assignment: tenantCopy("Deny", 2) })).ok).toBe(true);
    expect((await stub.managePolicies({ kind: "seedTenant", assignments: [tenantCopy("Audit", 1), { ...tenantCopy("Audit", 1), name: "other" }] })).ok).toBe(true);
    const listed = await stub.managePolicies({ kind: "list", scope: "tenant" });
    expect(listed.ok && (listed.value as PolicyAssignment[]).map((a) => [a.name, a.effect]).sort()).toEqual([
      ["expire", "Deny"],
      ["other", "Audit"],
    ]);
  });

  it("a tenant DELETE clears a copy left behind, even when the tenant has no such assignment", async () => {
    const vault = uniqueVaultName("polstale");
    const { tenantId, kv } = await setupVault(vault);
    expect((await vaultStub(vault).managePolicies({ kind: "put", assignment: tenantCopy("Deny", 1) })).ok).toBe(true);
    expect((await kv.json("PUT", "/secrets/s", { value: "v" })).status).toBe(403);
    expect((await admin("DELETE", `/tenants/${tenantId}/policyAssignments/expire`)).status).toBe(204);
    expect((await kv.json("PUT", "/secrets/s", { value: "v" })).status).toBe(200);
  });
});
