import { badParameter } from "../../errors/vault-error.ts";
import { actionMatches } from "./managed-hsm-permission.ts";
import { MANAGED_HSM_DATA_ACTIONS, findManagedHsmBuiltInRole, type ManagedHsmPermission } from "./managed-hsm-roles.ts";

/**
 * What a managed HSM accepts as a custom role (rbac.json `RoleDefinitionCreateParameters`; Azure RBAC's rules for
 * custom roles: learn.microsoft.com/azure/role-based-access-control/custom-roles): a built-in role cannot be
 * replaced; every data action, granted or excluded, names an action the HSM has — or is a pattern with `*` that
 * matches at least one — so a typo cannot quietly grant nothing; control-plane `actions` are kept as sent (this HSM
 * has no control plane to grant them on); at most {@link MAX_PERMISSIONS} entries of {@link MAX_ACTIONS} actions.
 */
export const MAX_PERMISSIONS = 20;
export const MAX_ACTIONS = 100;

export function assertNotBuiltIn(name: string): void {
  const builtIn = findManagedHsmBuiltInRole(name);
  if (builtIn !== undefined) {
    throw badParameter(`The role definition '${name}' is the built-in role '${builtIn.roleName}', which cannot be changed or deleted.`);
  }
}

function knownOrMatching(pattern: string): boolean {
  if (!pattern.includes("*")) return MANAGED_HSM_DATA_ACTIONS.some((a) => a.toLowerCase() === pattern.toLowerCase());
  return MANAGED_HSM_DATA_ACTIONS.some((a) => actionMatches(pattern, a));
}

export function assertCustomPermissions(permissions: readonly ManagedHsmPermission[]): void {
  if (permissions.length > MAX_PERMISSIONS) throw badParameter(`A role definition has at most ${MAX_PERMISSIONS} permission entries.`);
  for (const permission of permissions) {
    const lists = [permission.actions, permission.notActions, permission.dataActions, permission.notDataActions];
    if (lists.some((list) => list.length > MAX_ACTIONS)) throw badParameter(`A permission entry lists at most ${MAX_ACTIONS} actions in each of its lists.`);
    for (const action of [...permission.dataActions, ...permission.notDataActions]) {
      if (!knownOrMatching(action)) {
        throw badParameter(`'${action}' is not a Managed HSM data action (Microsoft.KeyVault/managedHsm/…), nor a pattern matching one.`);
      }
    }
  }
}
