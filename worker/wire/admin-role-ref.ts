import { findRole, roleDefinitionPath } from "../../core/domain/rbac/built-in-roles.ts";
import { MANAGED_HSM_BUILT_IN_ROLES, findManagedHsmBuiltInRole } from "../../core/domain/rbac/managed-hsm-roles.ts";
import type { VaultSku } from "../../core/domain/vault/vault-config.ts";
import { parseHsmScope } from "../../core/domain/rbac/managed-hsm-scope.ts";
import { parseVaultObjectScope } from "../../core/domain/rbac/vault-object-scope.ts";
import { badParameter } from "../../core/errors/vault-error.ts";
import { roleDefinitionId } from "./hsm-rbac-bundle.ts";

/**
 * The built-in role an admin API request names (by id, full id or name) for a vault of this kind: Key Vault roles for
 * vaults, Managed HSM roles for managed HSMs (docs/managed-hsm.md "Local RBAC"), which have no others.
 */
export interface AdminRole {
  readonly id: string;
  readonly name: string;
  /** As role assignments report it. */
  readonly path: string;
}


export function adminRoleFor(sku: VaultSku, ref: unknown): AdminRole {
  if (typeof ref !== "string") throw badParameter("Give roleDefinitionId or roleDefinitionName of a built-in role.");
  if (sku === "managedHSM") {
    const wanted = ref.toLowerCase();
    const role = findManagedHsmBuiltInRole(ref) ?? MANAGED_HSM_BUILT_IN_ROLES.find((r) => r.roleName.toLowerCase() === wanted);
    if (role === undefined) throw badParameter("Unknown role: a managed HSM's roles are the Managed HSM roles (e.g. 'Managed HSM Crypto User').");
    return { id: role.id, name: role.roleName, path: roleDefinitionId(role.id) };
  }
  const role = findRole(ref);
  if (role === undefined) throw badParameter("Unknown role: give roleDefinitionId or roleDefinitionName of a built-in Key Vault role.");
  return { id: role.id, name: role.name, path: roleDefinitionPath(role) };
}

/** How an assignment's role reads in the admin API, whichever kind of vault holds it; custom HSM roles by id. */
export function adminRoleOf(id: string): { path: string; name: string | null } {
  const vaultRole = findRole(id);
  if (vaultRole !== undefined) return { path: roleDefinitionPath(vaultRole), name: vaultRole.name };
  const hsmRole = findManagedHsmBuiltInRole(id);
  return { path: roleDefinitionId(hsmRole?.id ?? id), name: hsmRole?.roleName ?? null };
}

/**
 * An assignment's scope (absent: the whole vault): a vault's "/", "/secrets/{name}", "/keys/{name}" or
 * "/certificates/{name}" (issue 17; the object's role grants on that object only), a managed HSM's "/", "/keys" or
 * "/keys/{name}".
 */
export function assignmentScope(sku: VaultSku, value: unknown): string {
  if (value === undefined || value === null) return "/";
  const scope = typeof value === "string" ? (sku === "managedHSM" ? parseHsmScope(value) : parseVaultObjectScope(value)) : null;
  if (scope === null) {
    throw badParameter(
      sku === "managedHSM" ? "scope must be '/', '/keys' or '/keys/{name}'." : "scope must be '/', '/secrets/{name}', '/keys/{name}' or '/certificates/{name}'.",
    );
  }
  return scope;
}
