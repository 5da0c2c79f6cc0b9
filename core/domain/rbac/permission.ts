import { BUILT_IN_ROLES, type RoleDefinition } from "./built-in-roles.ts";
import { permissionGrants } from "./managed-hsm-permission.ts";
import type { ManagedHsmPermission } from "./managed-hsm-roles.ts";

/** A Key Vault data action, e.g. "Microsoft.KeyVault/vaults/secrets/getSecret/action". */
export type DataAction = `Microsoft.KeyVault/vaults/${string}`;

/**
 * A built-in vault role as one permission entry (ARM's `permissions[0]`): Azure's Key Vault data roles grant no
 * control-plane actions this deployment serves, so those lists are empty. One matcher decides vaults and managed
 * HSMs alike (managed-hsm-permission.ts `permissionGrants`: `*` for any run of characters, case ignored).
 */
export function builtInPermission(role: RoleDefinition): ManagedHsmPermission {
  return { actions: [], notActions: [], dataActions: role.dataActions, notDataActions: role.notDataActions };
}

/** Whether a role grants an action: some dataAction matches and no notDataAction does. */
export function roleGrants(role: RoleDefinition, action: DataAction): boolean {
  return permissionGrants(builtInPermission(role), action);
}

/** Whether any of the given built-in role definition ids grants the action. */
export function anyRoleGrants(roleDefinitionIds: readonly string[], action: DataAction): boolean {
  return roleDefinitionIds.some((id) => {
    const role = BUILT_IN_ROLES.find((r) => r.id === id);
    return role !== undefined && roleGrants(role, action);
  });
}
