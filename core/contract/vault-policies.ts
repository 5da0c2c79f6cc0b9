/** The vault object's policy surface (control plane; docs/vault-policies.md). */
import type { PolicyAssignment, PolicyScope } from "../domain/policy/policy-assignment.ts";
import type { PolicyEffect } from "../domain/policy/policy-definitions.ts";
import type { SubjectKind } from "../domain/policy/policy-subject.ts";

export type PolicyAdminOp =
  | { readonly kind: "put"; readonly assignment: PolicyAssignment }
  | { readonly kind: "get"; readonly scope: PolicyScope; readonly name: string }
  | { readonly kind: "list"; readonly scope: PolicyScope }
  | { readonly kind: "delete"; readonly scope: PolicyScope; readonly name: string }
  /**
   * The tenant's assignments as the vault was registered with its tenant, copied into the vault being made where it
   * has no copy of that name yet: a copy pushed meanwhile is newer (docs/vault-policies.md).
   */
  | { readonly kind: "seedTenant"; readonly assignments: readonly PolicyAssignment[] }
  /**
   * The tenant's assignments as a recovered vault was registered with its tenant again: they replace every copy the
   * vault kept, since a soft-deleted vault is off its tenant's list and missed every push meanwhile.
   */
  | { readonly kind: "replaceTenant"; readonly assignments: readonly PolicyAssignment[] }
  | { readonly kind: "states" };

/** One object (or the vault) that does not comply with one assignment: a row of the compliance report. */
export interface PolicyState {
  readonly objectKind: SubjectKind;
  readonly objectName: string;
  readonly objectVersion?: string;
  readonly assignment: PolicyAssignment;
  /** The effect it would have on a write: Audit, or Deny. */
  readonly effect: Exclude<PolicyEffect, "Disabled">;
  readonly reason: string;
}

export interface PolicyAdminResults {
  put: PolicyAssignment;
  get: PolicyAssignment;
  list: PolicyAssignment[];
  delete: null;
  seedTenant: null;
  replaceTenant: null;
  /** `evaluatedAt`: Unix seconds. */
  states: { readonly evaluatedAt: number; readonly states: PolicyState[] };
}

export type PolicyAdminResult = PolicyAdminResults[keyof PolicyAdminResults];
