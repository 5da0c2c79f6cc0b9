import { BUILT_IN_ROLES, type RoleDefinition } from "./built-in-roles.ts";

/** A Key Vault data action, e.g. "Microsoft.KeyVault/vaults/secrets/getSecret/action". */
export type DataAction = `Microsoft.KeyVault/vaults/${string}`;

/** Azure action patterns: `*` matches any run of characters, comparison ignores case. */
function matches(pattern: string, action: string): boolean {
  const escaped = pattern.toLowerCase().replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*");
  return new RegExp(`^${escaped}$`).test(action.toLowerCase());
}

/** Whether a role grants an action: some dataAction matches and no notDataAction does. */
export function roleGrants(role: RoleDefinition, action: DataAction): boolean {
  return role.dataActions.some((p) => matches(p, action)) && !role.notDataActions.some((p) => matches(p, action));
}

/** Whether any of the given role definition ids grants the action. */
export function anyRoleGrants(roleDefinitionIds: readonly string[], action: DataAction): boolean {
  return roleDefinitionIds.some((id) => {
    const role = BUILT_IN_ROLES.find((r) => r.id === id);
    return role !== undefined && roleGrants(role, action);
  });
}
