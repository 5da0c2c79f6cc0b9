import type { PolicyAdminOp } from "../../core/contract/vault-policies.ts";
import { tenantStub } from "./tenant-stub.ts";
import { unwrap } from "./unwrap.ts";
import { locateVault, vaultStub, type VaultAddress } from "./vault-stub.ts";

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

/**
 * Registers a vault just made with its tenant and copies in the tenant's assignments as of that moment (VaultPut): the
 * tenant answers both in one step, so an assignment set later is pushed to the vault and one set earlier is copied.
 */
export async function registerVaultWithTenant(env: Env, tenantId: string, vault: VaultAddress): Promise<void> {
  const assignments = await tenantStub(env, tenantId).addVault(vault.name.toLowerCase());
  if (assignments.length > 0) unwrap(await vaultStub(env, vault).managePolicies({ kind: "seedTenant", assignments }));
}
