import { BUILT_IN_ROLES, findRole, type RoleDefinition } from "../../core/domain/rbac/built-in-roles.ts";
import { builtInPermission } from "../../core/domain/rbac/permission.ts";
import {
  MAX_DESCRIPTION,
  MAX_ROLE_NAME,
  assertAssignableScopes,
  assertVaultPermissions,
  type VaultRoleCopy,
} from "../../core/domain/rbac/vault-custom-role.ts";
import { badParameter } from "../../core/errors/vault-error.ts";
import type { RoleDefinitionInput } from "../../durable-objects/tenant/tenant-role-definitions.ts";
import type { StoredRoleDefinition } from "../../durable-objects/storage/role-definition-repository.ts";
import type { JsonObject } from "./json-body.ts";
import { objectField, permission, text } from "./hsm-rbac-input.ts";

/**
 * A tenant's vault role definitions on the wire, in ARM's shape (Microsoft.Authorization `RoleDefinition`:
 * `{id, name, type, properties: {roleName, description, type, permissions, assignableScopes, createdOn, updatedOn}}`),
 * and the checks of a PUT body. Built-in roles read as ARM reports them: `properties.type` "BuiltInRole", Azure's ids.
 */
const PREFIX = "/providers/Microsoft.Authorization/roleDefinitions/";
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A role definition id as a route or an assignment names it: the GUID or ARM's full id. */
export function roleDefinitionGuid(raw: string): string | null {
  const guid = raw.startsWith(PREFIX) ? raw.slice(PREFIX.length) : raw;
  return GUID.test(guid) ? guid.toLowerCase() : null;
}

const iso = (seconds: number): string => new Date(seconds * 1000).toISOString();

export function customRoleBody(d: StoredRoleDefinition) {
  return {
    id: `${PREFIX}${d.id}`,
    name: d.id,
    type: "Microsoft.Authorization/roleDefinitions",
    properties: {
      roleName: d.roleName,
      description: d.description,
      type: "CustomRole",
      permissions: d.permissions.map((p) => ({ actions: [...p.actions], notActions: [...p.notActions], dataActions: [...p.dataActions], notDataActions: [...p.notDataActions] })),
      assignableScopes: [...d.assignableScopes],
      createdOn: iso(d.created),
      updatedOn: iso(d.updated),
    },
  };
}

export function builtInRoleBody(r: RoleDefinition) {
  const p = builtInPermission(r);
  return {
    id: `${PREFIX}${r.id}`,
    name: r.id,
    type: "Microsoft.Authorization/roleDefinitions",
    properties: {
      roleName: r.name,
      description: "",
      type: "BuiltInRole",
      permissions: [{ actions: [...p.actions], notActions: [...p.notActions], dataActions: [...p.dataActions], notDataActions: [...p.notDataActions] }],
      assignableScopes: ["/"],
    },
  };
}

export const builtInRoles = (): readonly RoleDefinition[] => BUILT_IN_ROLES;
export const builtInRole = (guid: string): RoleDefinition | undefined => (GUID.test(guid) ? findRole(guid) : undefined);

/** The vault's copy of a definition: what it decides with. */
export const copyOf = (d: StoredRoleDefinition): VaultRoleCopy => ({ id: d.id, roleName: d.roleName, permissions: d.permissions, version: d.version });

/** A PUT body, every field checked (ARM's codes where ARM has one, else BadParameter); nothing is written before. */
export function roleDefinitionInput(body: JsonObject): RoleDefinitionInput {
  const properties = objectField(body, "properties");
  if (properties.type !== undefined && properties.type !== null && properties.type !== "CustomRole") {
    throw badParameter("Only custom roles can be written: 'properties.type' must be 'CustomRole'.");
  }
  const roleName = text(properties, "roleName", MAX_ROLE_NAME).trim();
  if (roleName === "") throw badParameter("'properties.roleName' is required.");
  const permissions = properties.permissions;
  if (!Array.isArray(permissions)) throw badParameter("'properties.permissions' must be a list.");
  const parsed = permissions.map(permission);
  assertVaultPermissions(parsed);
  return {
    roleName,
    description: text(properties, "description", MAX_DESCRIPTION),
    permissions: parsed,
    assignableScopes: assertAssignableScopes(properties.assignableScopes),
  };
}
