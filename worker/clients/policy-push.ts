import type { PolicyAdminOp } from "../../core/contract/vault-policies.ts";
import { toUnixSeconds } from "../../core/domain/clock.ts";
import type { PolicyAssignment } from "../../core/domain/policy/policy-assignment.ts";
import { denials, forbiddenByPolicy } from "../../core/domain/policy/policy-evaluation.ts";
import { vaultSubject } from "../../core/domain/policy/policy-subject.ts";
import type { NetworkAcls } from "../../core/domain/vault/network-acls.ts";
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

/**
 * A vault about to be made is judged against its tenant's assignments as a settings change would be afterwards: a
 * tenant that denies vaults without a firewall refuses one created with it off (403 ForbiddenByPolicy, nothing made).
 * An assignment set while the vault is being made reaches it by the push, and its report then shows the vault.
 */
export async function assertTenantPoliciesAllowVault(env: Env, tenantId: string, name: string, networkAcls: NetworkAcls | null | undefined): Promise<void> {
  const assignments = unwrap(await tenantStub(env, tenantId).managePolicies({ kind: "list" })) as PolicyAssignment[];
  const denied = denials(assignments, vaultSubject(name, networkAcls), toUnixSeconds(Date.now()));
  if (denied.length > 0) throw forbiddenByPolicy(`vaults/${name}`, denied, tenantId, name);
}
