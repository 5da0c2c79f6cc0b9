import type { HsmRoleAssignmentView } from "../../core/contract/managed-hsm-rbac.ts";
import type { ManagedHsmRoleDefinition } from "../../core/domain/rbac/managed-hsm-roles.ts";

/**
 * The managed HSM's role definitions and assignments as Azure shapes them (rbac.json `RoleDefinition`,
 * `RoleAssignment`; recorded service answers): a definition's id has no leading "/", an assignment's has one and
 * begins with its scope; every permission entry carries all four lists.
 */
const AUTHORIZATION = "providers/Microsoft.Authorization";

export function roleDefinitionId(guid: string): string {
  return `Microsoft.KeyVault/${AUTHORIZATION}/roleDefinitions/${guid}`;
}

export function roleDefinitionBody(d: ManagedHsmRoleDefinition) {
  return {
    id: roleDefinitionId(d.id),
    name: d.id,
    type: "Microsoft.Authorization/roleDefinitions",
    properties: {
      roleName: d.roleName,
      description: d.description,
      type: d.type,
      permissions: d.permissions.map((p) => ({
        actions: [...p.actions],
        notActions: [...p.notActions],
        dataActions: [...p.dataActions],
        notDataActions: [...p.notDataActions],
      })),
      assignableScopes: [...d.assignableScopes],
    },
  };
}

export function roleAssignmentBody(a: HsmRoleAssignmentView) {
  const prefix = a.scope === "/" ? "" : a.scope;
  return {
    id: `${prefix}/${AUTHORIZATION}/roleAssignments/${a.name}`,
    name: a.name,
    type: "Microsoft.Authorization/roleAssignments",
    properties: { scope: a.scope, roleDefinitionId: roleDefinitionId(a.roleDefinitionId), principalId: a.principalId },
  };
}
