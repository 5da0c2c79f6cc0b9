import { findRole } from "../../core/domain/rbac/built-in-roles.ts";
import type { RoleAssignment } from "../../core/domain/rbac/role-assignment.ts";
import { assignableAt } from "../../core/domain/rbac/vault-custom-role.ts";
import type { VaultConfig } from "../../core/domain/vault/vault-config.ts";
import { VaultError, badParameter } from "../../core/errors/vault-error.ts";
import type { StoredRoleDefinition } from "../../durable-objects/storage/role-definition-repository.ts";
import { copyOf, roleDefinitionGuid } from "../wire/vault-role-definition.ts";
import { tenantStub } from "./tenant-stub.ts";
import { unwrap } from "./unwrap.ts";
import { vaultStub } from "./vault-stub.ts";

/**
 * Assigning a tenant's custom role on a vault (docs/access-control.md "Custom roles"). The tenant holds the
 * definition; the vault is given a copy with the assignment, so it decides requests without asking the tenant.
 */
export interface CustomRoleRef {
  readonly id: string;
  readonly name: string;
  readonly definition: StoredRoleDefinition;
}

const PATH = "/providers/Microsoft.Authorization/roleDefinitions/";

async function definitions(env: Env, tenantId: string): Promise<StoredRoleDefinition[]> {
  return unwrap(await tenantStub(env, tenantId).manageRoleDefinitions({ kind: "list" })) as StoredRoleDefinition[];
}

/** A custom role of the tenant by GUID, or null when it has none of that id. */
export async function definition(env: Env, tenantId: string, id: string): Promise<StoredRoleDefinition | null> {
  const got = await tenantStub(env, tenantId).manageRoleDefinitions({ kind: "get", id });
  if (!got.ok && got.error.code === "RoleDefinitionDoesNotExist") return null;
  return unwrap(got) as StoredRoleDefinition;
}

/** The custom role an assignment names (by GUID, ARM's full id or roleName), or null when it names none. */
export async function tenantCustomRole(env: Env, tenantId: string, ref: unknown): Promise<CustomRoleRef | null> {
  if (typeof ref !== "string" || findRole(ref) !== undefined) return null;
  const guid = roleDefinitionGuid(ref);
  const found =
    guid !== null ? await definition(env, tenantId, guid) : ((await definitions(env, tenantId)).find((d) => d.roleName.toLowerCase() === ref.toLowerCase()) ?? null);
  return found === null ? null : { id: found.id, name: found.roleName, definition: found };
}

/** ARM refuses a role outside its assignableScopes. */
export function assertAssignable(d: StoredRoleDefinition, vault: string, scope: string): void {
  if (!assignableAt(d, vault, scope)) {
    throw badParameter(`The role '${d.roleName}' is not available for assignment at the requested scope '/vaults/${vault.toLowerCase()}${scope === "/" ? "" : scope}'.`);
  }
}

/**
 * Writes the assignment with its copy, then reads the definition again: a deletion that ran meanwhile undoes the
 * assignment (the deletion had found none), and a replacement that ran meanwhile reaches the copy just written.
 */
export async function assignCustomRole(env: Env, config: VaultConfig, assignment: RoleAssignment, d: StoredRoleDefinition): Promise<RoleAssignment> {
  const vault = vaultStub(env, config);
  const put = await vault.putRoleAssignment(assignment, copyOf(d));
  const now = await definition(env, config.tenantId, d.id);
  if (now === null) {
    await vault.deleteRoleAssignment(assignment.id);
    throw new VaultError("RoleDefinitionDoesNotExist", `The specified role definition with ID '${d.id}' does not exist.`);
  }
  if (now.version !== d.version) await vault.syncCustomRole(copyOf(now));
  return put;
}

/** How the admin API shows assignments of custom roles: ARM's id and the role's name, by role GUID. */
export async function customRoleNames(env: Env, tenantId: string, assignments: readonly RoleAssignment[]): Promise<Map<string, { roleDefinitionId: string; roleDefinitionName: string }>> {
  if (assignments.every((a) => findRole(a.roleDefinitionId) !== undefined)) return new Map();
  return new Map((await definitions(env, tenantId)).map((d) => [d.id, { roleDefinitionId: `${PATH}${d.id}`, roleDefinitionName: d.roleName }]));
}
