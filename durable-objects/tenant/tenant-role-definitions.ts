import { fail, ok, type Result } from "../../core/errors/result.ts";
import { VaultError } from "../../core/errors/vault-error.ts";
import { MAX_CUSTOM_ROLES_PER_TENANT, builtInNamed, type VaultCustomRole } from "../../core/domain/rbac/vault-custom-role.ts";
import type { RoleDefinitionRepository, StoredRoleDefinition } from "../storage/role-definition-repository.ts";

/**
 * A tenant's custom roles for its vaults (issue 17; docs/access-control.md "Custom roles"). The tenant is their
 * source of truth; the Worker has checked each field (core/domain/rbac/vault-custom-role.ts) and tells every vault of
 * the tenant of a change. Here: what needs the tenant's own data — names unique per tenant without regard to case,
 * built-in names included (ARM's RoleDefinitionWithSameNameExists), and Azure's limit of custom roles per tenant.
 */
export type RoleDefinitionInput = Omit<VaultCustomRole, "id" | "version">;

export type RoleDefinitionOp =
  | { readonly kind: "put"; readonly id: string; readonly definition: RoleDefinitionInput }
  | { readonly kind: "list" }
  | { readonly kind: "get"; readonly id: string }
  | { readonly kind: "delete"; readonly id: string };

export type RoleDefinitionResult = StoredRoleDefinition | StoredRoleDefinition[] | null;

export const roleDefinitionNotFound = (id: string): VaultError =>
  new VaultError("RoleDefinitionDoesNotExist", `The specified role definition with ID '${id}' does not exist.`);

export function manageRoleDefinitions(repo: RoleDefinitionRepository, nowSeconds: number, op: RoleDefinitionOp): Result<RoleDefinitionResult> {
  switch (op.kind) {
    case "list":
      return ok(repo.all());
    case "get": {
      const found = repo.get(op.id);
      return found === null ? fail(roleDefinitionNotFound(op.id)) : ok(found);
    }
    case "delete": {
      const found = repo.get(op.id);
      if (found !== null) repo.delete(op.id);
      return ok(found);
    }
    case "put":
      return put(repo, nowSeconds, op.id.toLowerCase(), op.definition);
  }
}

function put(repo: RoleDefinitionRepository, now: number, id: string, input: RoleDefinitionInput): Result<StoredRoleDefinition> {
  const existing = repo.get(id);
  const holder = repo.named(input.roleName);
  if (builtInNamed(input.roleName) || (holder !== null && holder.id !== id)) {
    const message =
      existing === null
        ? "A custom role with the same name already exists in this directory."
        : "A role definition cannot be updated with a name that already exists.";
    return fail(new VaultError("RoleDefinitionWithSameNameExists", message));
  }
  if (existing === null && repo.count() >= MAX_CUSTOM_ROLES_PER_TENANT) {
    return fail(new VaultError("RoleDefinitionLimitExceeded", "Role definition limit exceeded. No more role definitions can be created."));
  }
  const stored: StoredRoleDefinition = {
    id,
    ...input,
    version: (existing?.version ?? 0) + 1,
    created: existing?.created ?? now,
    updated: now,
  };
  repo.put(stored);
  return ok(stored);
}
