import { OPERATIONS } from "../../contract/operations.ts";
import { VaultError, badParameter } from "../../errors/vault-error.ts";
import { BUILT_IN_ROLES } from "./built-in-roles.ts";
import { actionMatches } from "./managed-hsm-permission.ts";
import type { ManagedHsmPermission } from "./managed-hsm-roles.ts";
import { MAX_ACTIONS, MAX_PERMISSIONS } from "./custom-hsm-role.ts";
import { scopeCovers } from "./scope-covers.ts";
import { parseVaultObjectScope } from "./vault-object-scope.ts";

/**
 * A tenant's custom role for its vaults (issue 17; ARM's `RoleDefinition`, learn.microsoft.com/azure/
 * role-based-access-control/custom-roles and role-definitions): Azure's semantics — each permission entry grants its
 * dataActions minus its notDataActions, `*` matches any run of characters, names compare without regard to case —
 * decided by the one matcher vaults and managed HSMs share (managed-hsm-permission.ts).
 *
 * `assignableScopes` are this deployment's, in ARM's spirit: "/" (every vault of the tenant), "/vaults/{name}" (one
 * vault, and its objects) or "/vaults/{name}/{secrets|keys|certificates}/{object}" (one object). `version` counts the
 * definition's replacements, so a vault's copy can tell it is behind.
 */
export interface VaultCustomRole {
  readonly id: string;
  readonly roleName: string;
  readonly description: string;
  readonly permissions: readonly ManagedHsmPermission[];
  readonly assignableScopes: readonly string[];
  readonly version: number;
}

/** The part of a custom role a vault keeps to decide (its copy, vault migration 0018). */
export type VaultRoleCopy = Pick<VaultCustomRole, "id" | "roleName" | "permissions" | "version">;

/** Azure supports up to 5000 custom roles per tenant ("Azure RBAC limits", troubleshoot-limits). */
export const MAX_CUSTOM_ROLES_PER_TENANT = 5000;
export const MAX_ROLE_NAME = 512;
export const MAX_DESCRIPTION = 2048;
const MAX_ASSIGNABLE_SCOPES = 100;
const VAULT_PREFIX = "microsoft.keyvault/vaults/";

/**
 * Every data action a vault has: those its operations need (core/contract/operations.ts, one descriptor per
 * operation) and those Azure's built-in Key Vault roles name. A custom role's data action must be one of these or a
 * pattern matching one, as ARM checks against the provider's operations.
 */
export const VAULT_DATA_ACTIONS: readonly string[] = [
  ...new Set([
    ...Object.values(OPERATIONS).map((o) => o.action as string),
    ...BUILT_IN_ROLES.flatMap((r) => [...r.dataActions, ...r.notDataActions]).filter((a) => !a.includes("*")),
  ]),
]
  .filter((a) => a.toLowerCase().startsWith(VAULT_PREFIX))
  .sort();

const isVaultDataAction = (pattern: string): boolean =>
  pattern.toLowerCase().startsWith(VAULT_PREFIX) && VAULT_DATA_ACTIONS.some((a) => actionMatches(pattern, a));

/**
 * A control-plane action, in ARM's form `{Namespace}.{Provider}/{type}/…/{operation}`, `*` or `*\/read` style
 * patterns. This deployment serves no control plane through roles, so these grant nothing here; a data action put
 * among them is refused, as ARM refuses an operation the provider does not list as a control-plane action.
 */
const CONTROL_ACTION = /^(\*|\*\/[A-Za-z]+|[A-Za-z][A-Za-z0-9]*\.[A-Za-z0-9.]+(\/[A-Za-z0-9*.{}-]+)+)$/;

function assertActions(list: readonly string[], field: string): void {
  for (const action of list) {
    if (!CONTROL_ACTION.test(action) || (isVaultDataAction(action) && !action.includes("*"))) {
      throw new VaultError("InvalidActionOrNotAction", `'${action}' does not match any of the actions supported by the providers (${field}).`);
    }
  }
}

function assertDataActions(list: readonly string[], field: string): void {
  for (const action of list) {
    if (!isVaultDataAction(action)) {
      throw new VaultError(
        "InvalidDataActionOrNotDataAction",
        `'${action}' does not match any of the actions supported by the providers (${field}: Microsoft.KeyVault/vaults/… data actions).`,
      );
    }
  }
}

/** Checks a definition's permissions as ARM does when a custom role is written. */
export function assertVaultPermissions(permissions: readonly ManagedHsmPermission[]): void {
  if (permissions.length === 0 || permissions.length > MAX_PERMISSIONS) {
    throw badParameter(`'properties.permissions' must list 1 to ${MAX_PERMISSIONS} permission entries.`);
  }
  for (const p of permissions) {
    if ([p.actions, p.notActions, p.dataActions, p.notDataActions].some((l) => l.length > MAX_ACTIONS)) {
      throw badParameter(`A permission entry lists at most ${MAX_ACTIONS} actions in each of its lists.`);
    }
    assertActions(p.actions, "actions");
    assertActions(p.notActions, "notActions");
    assertDataActions(p.dataActions, "dataActions");
    assertDataActions(p.notDataActions, "notDataActions");
  }
}

/** "/" (the tenant's vaults), "/vaults/{name}" or an object of one; normalized (vault names lower-cased). */
export function parseAssignableScope(raw: string): string | null {
  if (raw === "/") return "/";
  const match = /^\/vaults\/([a-zA-Z](?!.*--)[a-zA-Z0-9-]{1,22}[a-zA-Z0-9])(\/.*)?$/.exec(raw.replace(/\/+$/, ""));
  if (match === null) return null;
  const vault = `/vaults/${(match[1] ?? "").toLowerCase()}`;
  if (match[2] === undefined) return vault;
  const object = parseVaultObjectScope(match[2]);
  return object === null || object === "/" ? null : `${vault}${object}`;
}

export function assertAssignableScopes(value: unknown): string[] {
  const scopes = Array.isArray(value) ? value.map((s) => (typeof s === "string" ? parseAssignableScope(s) : null)) : [null];
  if (scopes.length === 0 || scopes.length > MAX_ASSIGNABLE_SCOPES || scopes.some((s) => s === null)) {
    throw badParameter(
      `'properties.assignableScopes' must list 1 to ${MAX_ASSIGNABLE_SCOPES} scopes: '/', '/vaults/{name}' or '/vaults/{name}/{secrets|keys|certificates}/{object}'.`,
    );
  }
  return [...new Set(scopes as string[])];
}

/** Whether the role may be assigned in `vault` at the vault scope `scope` ("/" or "/secrets/{name}", …). */
export function assignableAt(role: Pick<VaultCustomRole, "assignableScopes">, vault: string, scope: string): boolean {
  const target = `/vaults/${vault.toLowerCase()}${scope === "/" ? "" : scope}`;
  return role.assignableScopes.some((s) => scopeCovers(s, target));
}

/** A built-in Key Vault role's name or id: custom roles may not take either (roleName is unique per tenant). */
export function builtInNamed(roleName: string): boolean {
  const wanted = roleName.toLowerCase();
  return BUILT_IN_ROLES.some((r) => r.name.toLowerCase() === wanted);
}
