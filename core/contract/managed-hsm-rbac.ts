/**
 * The managed HSM's local RBAC (rbac.json, docs/managed-hsm.md): its role definitions — Azure's built-in Managed
 * HSM roles and the HSM's custom roles — and its role assignments at "/", "/keys" or "/keys/{name}". The Worker
 * shapes them as Azure does (worker/wire/hsm-rbac-bundle.ts); ids here are bare GUIDs.
 */
import type { ManagedHsmPermission, ManagedHsmRoleDefinition } from "../domain/rbac/managed-hsm-roles.ts";
import type { HsmScope } from "../domain/rbac/managed-hsm-scope.ts";

export interface HsmRoleAssignmentView {
  /** The assignment's name, a GUID the caller chose. */
  readonly name: string;
  readonly scope: HsmScope;
  /** The role definition's GUID. */
  readonly roleDefinitionId: string;
  readonly principalId: string;
}

/** What a role definition PUT sets: the whole definition (Azure replaces, it does not merge). */
export interface HsmRoleDefinitionInput {
  readonly roleName: string;
  readonly description: string;
  readonly permissions: readonly ManagedHsmPermission[];
  readonly assignableScopes: readonly HsmScope[];
}

/** `principalId eq '{id}'`, `atScope()`, or (definitions) `roleName eq '{name}'` (rbac.json x-ms-odata). */
export type HsmAssignmentFilter = { readonly principalId: string } | { readonly atScope: true };

export type HsmRbacOp =
  | { readonly kind: "hsm.listRoleDefinitions"; readonly scope: HsmScope; readonly roleName?: string }
  | { readonly kind: "hsm.getRoleDefinition"; readonly scope: HsmScope; readonly name: string }
  | { readonly kind: "hsm.setRoleDefinition"; readonly scope: HsmScope; readonly name: string; readonly definition: HsmRoleDefinitionInput }
  | { readonly kind: "hsm.deleteRoleDefinition"; readonly scope: HsmScope; readonly name: string }
  | { readonly kind: "hsm.listRoleAssignments"; readonly scope: HsmScope; readonly filter?: HsmAssignmentFilter }
  | { readonly kind: "hsm.getRoleAssignment"; readonly scope: HsmScope; readonly name: string }
  | { readonly kind: "hsm.createRoleAssignment"; readonly scope: HsmScope; readonly name: string; readonly roleDefinitionId: string; readonly principalId: string }
  | { readonly kind: "hsm.deleteRoleAssignment"; readonly scope: HsmScope; readonly name: string };

export interface HsmRbacResults {
  "hsm.listRoleDefinitions": ManagedHsmRoleDefinition[];
  "hsm.getRoleDefinition": ManagedHsmRoleDefinition;
  "hsm.setRoleDefinition": ManagedHsmRoleDefinition;
  "hsm.deleteRoleDefinition": ManagedHsmRoleDefinition;
  "hsm.listRoleAssignments": HsmRoleAssignmentView[];
  "hsm.getRoleAssignment": HsmRoleAssignmentView;
  "hsm.createRoleAssignment": HsmRoleAssignmentView;
  "hsm.deleteRoleAssignment": HsmRoleAssignmentView;
}
