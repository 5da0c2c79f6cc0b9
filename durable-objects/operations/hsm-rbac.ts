import type { HsmRbacResults, HsmRoleAssignmentView } from "../../core/contract/managed-hsm-rbac.ts";
import type { OpOf } from "../../core/contract/vault.ts";
import { toUnixSeconds } from "../../core/domain/clock.ts";
import { assertCustomPermissions, assertNotBuiltIn } from "../../core/domain/rbac/custom-hsm-role.ts";
import { scopeCovers } from "../../core/domain/rbac/scope-covers.ts";
import { MANAGED_HSM_BUILT_IN_ROLES, type ManagedHsmRoleDefinition } from "../../core/domain/rbac/managed-hsm-roles.ts";
import type { HsmScope } from "../../core/domain/rbac/managed-hsm-scope.ts";
import type { RoleAssignment } from "../../core/domain/rbac/role-assignment.ts";
import { VaultError, badParameter } from "../../core/errors/vault-error.ts";
import type { EventOutbox, HsmAdministration, Transactions, VaultScope } from "./vault-context.ts";

/**
 * A managed HSM's local RBAC (rbac.json; docs/managed-hsm.md "Local RBAC"): Azure's built-in Managed HSM roles and
 * the HSM's custom roles, and role assignments at "/", "/keys" or "/keys/{name}". Who may call each is decided
 * before (request-authorization.ts). A change is written with the request's audit record, raises
 * VaultAccessPolicyChanged in the same transaction, and empties the access caches.
 */
type Ctx = VaultScope & Transactions & EventOutbox & HsmAdministration;
type Kinds = keyof HsmRbacResults;
type Handlers = { readonly [K in Kinds]: (ctx: Ctx, op: OpOf<K>) => Promise<HsmRbacResults[K]> };

const sameScope = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();
/** Scopes on one line of descent: an assignment at one applies to, or is granted below, the other. */
const related = (a: string, b: string): boolean => scopeCovers(a, b) || scopeCovers(b, a);

function definitionOf(ctx: Ctx, name: string): ManagedHsmRoleDefinition {
  const found = ctx.roleDefinition(name);
  if (found === undefined) throw new VaultError("RoleDefinitionNotFound", `The role definition '${name}' was not found.`);
  return found;
}

function view(a: RoleAssignment): HsmRoleAssignmentView {
  return { name: a.id, scope: a.scope as HsmScope, roleDefinitionId: a.roleDefinitionId, principalId: a.principalId };
}

function assignmentAt(ctx: Ctx, scope: HsmScope, name: string): RoleAssignment {
  const found = ctx.roleAssignments.get(name.toLowerCase());
  if (found === null || !sameScope(found.scope, scope)) {
    throw new VaultError("RoleAssignmentNotFound", `The role assignment '${name}' was not found at scope '${scope}'.`);
  }
  return found;
}

function changed<T>(ctx: Ctx, write: () => T): T {
  const result = ctx.transaction(() => {
    const value = write();
    ctx.events.accessPolicyChanged();
    return value;
  });
  ctx.accessChanged();
  return result;
}

export const hsmRbacHandlers: Handlers = {
  async "hsm.listRoleDefinitions"(ctx, op) {
    const all = [...MANAGED_HSM_BUILT_IN_ROLES, ...ctx.roleDefinitions.all()];
    return all.filter(
      (d) =>
        d.assignableScopes.some((s) => scopeCovers(s, op.scope)) &&
        (op.roleName === undefined || d.roleName.toLowerCase() === op.roleName.toLowerCase()),
    );
  },

  async "hsm.getRoleDefinition"(ctx, op) {
    return definitionOf(ctx, op.name);
  },

  async "hsm.setRoleDefinition"(ctx, op) {
    if (op.scope !== "/") throw badParameter("Role definitions are made at scope '/'.");
    assertNotBuiltIn(op.name);
    assertCustomPermissions(op.definition.permissions);
    const definition: ManagedHsmRoleDefinition = { id: op.name.toLowerCase(), type: "CustomRole", ...op.definition };
    changed(ctx, () => ctx.roleDefinitions.put(definition, toUnixSeconds(ctx.clock.now())));
    return definition;
  },

  async "hsm.deleteRoleDefinition"(ctx, op) {
    assertNotBuiltIn(op.name);
    const definition = ctx.roleDefinitions.get(op.name);
    if (definition === null) throw new VaultError("RoleDefinitionNotFound", `The role definition '${op.name}' was not found.`);
    if (ctx.roleAssignments.all().some((a) => a.roleDefinitionId.toLowerCase() === definition.id)) {
      throw badParameter(`The role definition '${op.name}' is used by role assignments; delete them first.`);
    }
    changed(ctx, () => ctx.roleDefinitions.delete(op.name));
    return definition;
  },

  async "hsm.listRoleAssignments"(ctx, op) {
    const filter = op.filter;
    return ctx.roleAssignments
      .all()
      .filter((a) => {
        if (filter !== undefined && "atScope" in filter) return scopeCovers(a.scope, op.scope);
        if (filter !== undefined && a.principalId.toLowerCase() !== filter.principalId.toLowerCase()) return false;
        return related(a.scope, op.scope);
      })
      .map(view);
  },

  async "hsm.getRoleAssignment"(ctx, op) {
    return view(assignmentAt(ctx, op.scope, op.name));
  },

  async "hsm.createRoleAssignment"(ctx, op) {
    const definition = definitionOf(ctx, op.roleDefinitionId);
    if (!definition.assignableScopes.some((s) => scopeCovers(s, op.scope))) {
      throw badParameter(`The role '${definition.roleName}' cannot be assigned at scope '${op.scope}'.`);
    }
    const wanted: RoleAssignment = {
      id: op.name.toLowerCase(),
      principalId: op.principalId,
      roleDefinitionId: definition.id,
      scope: op.scope,
      created: toUnixSeconds(ctx.clock.now()),
    };
    const existing = ctx.roleAssignments.get(wanted.id);
    if (existing !== null) {
      // The same assignment again is answered as made (a retried PUT); another under this name is a conflict.
      const same = sameScope(existing.scope, wanted.scope) && existing.principalId.toLowerCase() === wanted.principalId.toLowerCase() && existing.roleDefinitionId === wanted.roleDefinitionId;
      if (same) return view(existing);
      throw new VaultError("Conflict", `A role assignment named '${op.name}' already exists with another role, principal or scope.`);
    }
    changed(ctx, () => ctx.roleAssignments.put(wanted));
    return view(wanted);
  },

  async "hsm.deleteRoleAssignment"(ctx, op) {
    const existing = assignmentAt(ctx, op.scope, op.name);
    changed(ctx, () => ctx.roleAssignments.delete(existing.id));
    return view(existing);
  },
};
