import type { ParameterValues, PolicyEffect } from "./policy-definitions.ts";

/**
 * A policy assignment (Azure Policy's `Microsoft.Authorization/policyAssignments`) at a tenant (every vault of it) or
 * at one vault. A vault holds its own and copies of its tenant's, pushed when they are set and when the vault is made,
 * so enforcing never calls the tenant object (docs/vault-policies.md).
 */
export type PolicyScope = "tenant" | "vault";

export interface PolicyAssignment {
  readonly scope: PolicyScope;
  /** As given; compared case-insensitively, as ARM compares resource names. */
  readonly name: string;
  /** The definition's GUID (policy-definitions.ts). */
  readonly definition: string;
  readonly displayName?: string;
  readonly description?: string;
  readonly effect: PolicyEffect;
  /** Every parameter the definition has but `effect`, its default filled in. */
  readonly parameters: ParameterValues;
  /** Azure's enforcementMode: "DoNotEnforce" evaluates and reports, but a Deny refuses nothing. */
  readonly enforcementMode: "Default" | "DoNotEnforce";
  /** Unix seconds. */
  readonly created: number;
}

/** The effect a write meets: Deny only where the assignment enforces it. */
export function enforcedEffect(assignment: PolicyAssignment): PolicyEffect {
  return assignment.effect === "Deny" && assignment.enforcementMode === "DoNotEnforce" ? "Audit" : assignment.effect;
}

/** Assignments at one scope are unique by name, whatever its case. */
export const assignmentKey = (name: string): string => name.toLowerCase();
