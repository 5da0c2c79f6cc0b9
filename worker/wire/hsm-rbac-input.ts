import type { HsmAssignmentFilter, HsmRoleDefinitionInput } from "../../core/contract/managed-hsm-rbac.ts";
import type { ManagedHsmPermission } from "../../core/domain/rbac/managed-hsm-roles.ts";
import { parseHsmScope, type HsmScope } from "../../core/domain/rbac/managed-hsm-scope.ts";
import { badParameter } from "../../core/errors/vault-error.ts";
import type { JsonObject } from "./json-body.ts";

/**
 * The managed HSM's RBAC requests (rbac.json: `RoleDefinitionCreateParameters`, `RoleAssignmentCreateParameters`,
 * x-ms-odata filters), checked at the boundary. Names are GUIDs, as Azure's are; a role definition id may be given
 * whole (`Microsoft.KeyVault/providers/Microsoft.Authorization/roleDefinitions/{guid}`, as the SDKs pass a
 * definition's `id`) or as the GUID.
 */
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_ROLE_NAME = 512;
const MAX_DESCRIPTION = 2048;
const MAX_ACTION_LENGTH = 512;

export function assertGuid(value: string | undefined, what: string): string {
  if (value === undefined || !GUID.test(value)) throw badParameter(`The ${what} '${value ?? ""}' is not a GUID.`);
  return value.toLowerCase();
}

/** The scope of a request path: "" (the HSM), "/keys" or "/keys/{name}". */
export function scopeOf(key: string | undefined, collection: boolean): HsmScope {
  const scope = parseHsmScope(key !== undefined ? `/keys/${key}` : collection ? "/keys" : "/");
  if (scope === null) throw badParameter(`The scope '/keys/${key ?? ""}' is not a scope of a managed HSM.`);
  return scope;
}

export function objectField(body: JsonObject, name: string): JsonObject {
  const value = body[name];
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw badParameter(`The request body needs an object '${name}'.`);
  return value as JsonObject;
}

export function text(body: JsonObject, name: string, max: number): string {
  const value = body[name];
  if (value === undefined || value === null) return "";
  if (typeof value !== "string" || value.length > max) throw badParameter(`'${name}' must be a string of at most ${max} characters.`);
  return value;
}

function actionList(entry: JsonObject, name: string): string[] {
  const value = entry[name];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every((a): a is string => typeof a === "string" && a.length > 0 && a.length <= MAX_ACTION_LENGTH)) {
    throw badParameter(`'permissions[].${name}' must be a list of action names.`);
  }
  return value;
}

export function permission(value: unknown): ManagedHsmPermission {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw badParameter("Each entry of 'permissions' must be an object.");
  const entry = value as JsonObject;
  return {
    actions: actionList(entry, "actions"),
    notActions: actionList(entry, "notActions"),
    dataActions: actionList(entry, "dataActions"),
    notDataActions: actionList(entry, "notDataActions"),
  };
}

/** Role definitions are assignable at "/" or "/keys" (rbac.json RoleScope); absent means "/". */
function assignableScopes(properties: JsonObject): HsmScope[] {
  const value = properties.assignableScopes;
  if (value === undefined || value === null) return ["/"];
  const scopes = Array.isArray(value) ? value.map((s) => (typeof s === "string" ? parseHsmScope(s) : null)) : [null];
  if (scopes.length === 0 || scopes.some((s) => s !== "/" && s !== "/keys")) {
    throw badParameter("'assignableScopes' must list '/' or '/keys'.");
  }
  return [...new Set(scopes as HsmScope[])];
}

export function roleDefinitionInput(body: JsonObject): HsmRoleDefinitionInput {
  const properties = objectField(body, "properties");
  if (properties.type !== undefined && properties.type !== null && properties.type !== "CustomRole") {
    throw badParameter("Only custom roles can be made: 'type' must be 'CustomRole'.");
  }
  const permissions = properties.permissions;
  if (!Array.isArray(permissions)) throw badParameter("'properties.permissions' must be a list.");
  return {
    roleName: text(properties, "roleName", MAX_ROLE_NAME),
    description: text(properties, "description", MAX_DESCRIPTION),
    permissions: permissions.map(permission),
    assignableScopes: assignableScopes(properties),
  };
}

export function roleAssignmentInput(body: JsonObject): { roleDefinitionId: string; principalId: string } {
  const properties = objectField(body, "properties");
  const id = properties.roleDefinitionId;
  if (typeof id !== "string") throw badParameter("'properties.roleDefinitionId' is required.");
  const principalId = properties.principalId;
  if (typeof principalId !== "string") throw badParameter("'properties.principalId' is required.");
  return { roleDefinitionId: assertGuid(id.split("/").pop(), "role definition id"), principalId: assertGuid(principalId, "principal id") };
}

const PRINCIPAL_FILTER = /^\s*principalId\s+eq\s+'([^']*)'\s*$/i;
const AT_SCOPE = /^\s*atScope\(\)\s*$/i;
const ROLE_NAME_FILTER = /^\s*roleName\s+eq\s+'([^']*)'\s*$/i;

export function assignmentFilter(raw: string | undefined): HsmAssignmentFilter | undefined {
  if (raw === undefined || raw === "") return undefined;
  if (AT_SCOPE.test(raw)) return { atScope: true };
  const principal = PRINCIPAL_FILTER.exec(raw)?.[1];
  if (principal !== undefined) return { principalId: assertGuid(principal, "principal id") };
  throw badParameter(`The filter '${raw}' is not supported: use atScope() or principalId eq '{id}'.`);
}

export function roleNameFilter(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === "") return undefined;
  const name = ROLE_NAME_FILTER.exec(raw)?.[1];
  if (name === undefined) throw badParameter(`The filter '${raw}' is not supported: use roleName eq '{name}'.`);
  return name;
}
