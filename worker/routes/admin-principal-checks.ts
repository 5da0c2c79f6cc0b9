import type { VaultSku } from "../../core/domain/vault/vault-config.ts";
import { VaultError, badParameter } from "../../core/errors/vault-error.ts";
import { tenantStub } from "../clients/tenant-stub.ts";
import type { AdminCaller } from "../auth/admin-caller.ts";

/** Azure's "Managed HSM Administrator" (core/domain/rbac/managed-hsm-roles.ts): what an HSM's initial administrators hold. */
export const HSM_ADMINISTRATOR = "a290e904-7015-4bba-90c8-60543313cdb4";
/** ARM's `initialAdminObjectIds` allows up to 10 (Microsoft.KeyVault/managedHSMs). */
const MAX_INITIAL_ADMINS = 10;

/**
 * The principal — or group (docs/access-control.md "Groups"), or an external identity one of its trusted issuers maps
 * ("Trusted external issuers") — must be one of the vault's tenant.
 */
export async function requirePrincipal(env: Env, tenantId: string, principalId: string): Promise<void> {
  const tenant = tenantStub(env, tenantId);
  const principal = await tenant.getPrincipal(principalId);
  if (principal !== null && principal.id === principalId) return;
  const group = await tenant.manageGroups({ kind: "get", id: principalId });
  if (group.ok) return;
  const external = await tenant.manageTrustedIssuers({ kind: "mapping", objectId: principalId });
  if (!external.ok) throw new VaultError("PrincipalNotFound", "The principal was not found in the vault's tenant.");
}

/**
 * A managed HSM's initial administrators (ARM `properties.initialAdminObjectIds`): principals of the tenant who start
 * as its Managed HSM Administrators at "/", so its own RBAC plane can be administered from the first request. Without
 * the list, a tenant admin who makes the HSM is its administrator (the operator key is no identity). Checked before
 * the HSM is made; vaults have none.
 */
export async function initialAdministrators(env: Env, tenantId: string, sku: VaultSku, value: unknown, creator: AdminCaller): Promise<string[]> {
  if (value === undefined || value === null) return sku === "managedHSM" && creator.kind === "tenantAdmin" ? [creator.objectId] : [];
  if (sku !== "managedHSM") throw badParameter("initialAdminObjectIds is for managed HSMs only.");
  if (!Array.isArray(value) || value.length > MAX_INITIAL_ADMINS || !value.every((v): v is string => typeof v === "string")) {
    throw badParameter(`initialAdminObjectIds must list at most ${MAX_INITIAL_ADMINS} principal ids.`);
  }
  const unique = [...new Set(value)];
  for (const id of unique) await requirePrincipal(env, tenantId, id);
  return unique;
}
