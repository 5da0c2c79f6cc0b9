import type { ManagedHsmPermission, ManagedHsmRoleDefinition } from "./managed-hsm-roles.ts";
import { scopeCovers } from "./scope-covers.ts";

/**
 * Managed HSM local-RBAC decisions: does a set of role definitions grant a data action, and does an
 * assignment's scope cover the object acted on. Pure; the caller supplies the assignments and the lookup.
 *
 * Semantics (rbac.json `Permission`: notDataActions are "excluded but not denied. They may be granted by other
 * role definitions"; learn.microsoft.com/azure/role-based-access-control/role-definitions, NotDataActions and
 * wildcards): each permission entry grants its dataActions minus its notDataActions, and another entry or role
 * may still grant what one excludes. Patterns use `*` for any run of characters and compare without regard to
 * case (Azure's own docs write "managedHSM/keys/sign/action" where the service reports "managedHsm").
 *
 * Scopes (learn.microsoft.com/azure/key-vault/managed-hsm/role-management): "/" (the whole HSM), "/keys" (all
 * keys) and "/keys/{key-name}" (one key), decided by scope-covers.ts.
 */

/** Whether an action pattern matches an action: `*` stands for any characters (also "/"), case ignored. */
export function actionMatches(pattern: string, action: string): boolean {
  const parts = pattern.toLowerCase().split("*");
  const subject = action.toLowerCase();
  const head = parts[0] ?? "";
  if (parts.length === 1) return subject === head;
  const tail = parts[parts.length - 1] ?? "";
  if (subject.length < head.length + tail.length || !subject.startsWith(head) || !subject.endsWith(tail)) {
    return false;
  }
  // Leftmost placement of each middle literal is optimal when the only wildcard is `*`.
  const end = subject.length - tail.length;
  let at = head.length;
  for (const literal of parts.slice(1, -1)) {
    const found = subject.indexOf(literal, at);
    if (found < 0 || found + literal.length > end) return false;
    at = found + literal.length;
  }
  return true;
}

/** Whether one permission entry grants the action: a dataAction matches and no notDataAction of it does. */
export function permissionGrants(permission: ManagedHsmPermission, action: string): boolean {
  return (
    permission.dataActions.some((p) => actionMatches(p, action)) &&
    !permission.notDataActions.some((p) => actionMatches(p, action))
  );
}

/** Whether any of the role definitions grants the data action (union over roles and their entries). */
export function rolesGrant(roles: readonly Pick<ManagedHsmRoleDefinition, "permissions">[], action: string): boolean {
  return roles.some((role) => role.permissions.some((p) => permissionGrants(p, action)));
}

/** The part of a role assignment a decision needs (rbac.json `RoleAssignmentPropertiesWithScope`). */
export interface ScopedRoleAssignment {
  readonly roleDefinitionId: string;
  readonly scope: string;
}

/**
 * Whether any assignment whose scope covers `targetScope` refers to a role that grants `action`.
 * `resolveRole` maps a roleDefinitionId (built-in or custom) to its definition; unknown ids grant nothing.
 */
export function assignmentsGrant(
  assignments: readonly ScopedRoleAssignment[],
  resolveRole: (roleDefinitionId: string) => Pick<ManagedHsmRoleDefinition, "permissions"> | undefined,
  action: string,
  targetScope: string,
): boolean {
  return assignments.some((a) => {
    if (!scopeCovers(a.scope, targetScope)) return false;
    const role = resolveRole(a.roleDefinitionId);
    return role !== undefined && rolesGrant([role], action);
  });
}
