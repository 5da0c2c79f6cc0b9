import type { PolicyAdminOp } from "../../core/contract/vault-policies.ts";
import type { PolicyAssignment } from "../../core/domain/policy/policy-assignment.ts";
import { tenantStub } from "./tenant-stub.ts";
import { unwrap } from "./unwrap.ts";
import { locateVault, vaultStub } from "./vault-stub.ts";

/**
 * How a tenant's policy assignments reach its vaults (docs/vault-policies.md): each change is pushed to every vault of
 * the tenant, as a principal's deletion reaches every vault (routes/admin-tenants.ts), and a vault being made takes the
 * tenant's whole list, so a vault enforces them without ever calling the tenant object.
 */
export async function pushToVaults(env: Env, tenantId: string, vaults: readonly string[], op: PolicyAdminOp): Promise<void> {
  await Promise.all(
    vaults.map(async (name) => {
      const config = await locateVault(env, name);
      // A vault deleted (or its name reused by another tenant) meanwhile is skipped.
      if (config === null || config.tenantId !== tenantId) return;
      const result = await vaultStub(env, config).managePolicies(op);
      if (!result.ok && result.error.code !== "VaultNotFound") unwrap(result);
    }),
  );
}

/** Copies the tenant's assignments into a vault just made (VaultPut). */
export async function seedVaultPolicies(env: Env, tenantId: string, vault: Parameters<typeof vaultStub>[1]): Promise<void> {
  const assignments = unwrap(await tenantStub(env, tenantId).managePolicies({ kind: "list" })) as PolicyAssignment[];
  if (assignments.length > 0) unwrap(await vaultStub(env, vault).managePolicies({ kind: "replaceTenant", assignments }));
}
