import { VaultError } from "../../errors/vault-error.ts";
import { enforcedEffect, type PolicyAssignment } from "./policy-assignment.ts";
import { definitionByName, policyDefinitionId, type PolicyDefinition, type PolicyEffect } from "./policy-definitions.ts";
import type { PolicySubject } from "./policy-subject.ts";

/** One assignment a subject does not comply with. */
export interface PolicyViolation {
  readonly assignment: PolicyAssignment;
  readonly definition: PolicyDefinition;
  /** The effect it has on a write: Deny, or Audit (also a Deny assignment in DoNotEnforce mode). */
  readonly effect: Exclude<PolicyEffect, "Disabled">;
  readonly reason: string;
}

/**
 * Every assignment of `assignments` the subject violates, in their order. Disabled assignments and those of another
 * target kind are skipped, as Azure skips a definition whose `type` condition does not match. `now`: Unix seconds.
 */
export function violations(assignments: readonly PolicyAssignment[], subject: PolicySubject, now: number): PolicyViolation[] {
  const found: PolicyViolation[] = [];
  for (const assignment of assignments) {
    const definition = definitionByName(assignment.definition);
    const effect = enforcedEffect(assignment);
    if (definition === null || definition.target !== subject.kind || effect === "Disabled") continue;
    const reason = definition.violation(subject, assignment.parameters, now);
    if (reason !== null) found.push({ assignment, definition, effect, reason });
  }
  return found;
}

/** The violations that refuse a write: those whose enforced effect is Deny. `now`: Unix seconds. */
export function denials(assignments: readonly PolicyAssignment[], subject: PolicySubject, now: number): PolicyViolation[] {
  return violations(assignments, subject, now).filter((v) => v.effect === "Deny");
}

/** The resource id an assignment carries on the wire (Azure: `{scope}/providers/Microsoft.Authorization/policyAssignments/{name}`). */
export function policyAssignmentId(scopePath: string, name: string): string {
  return `${scopePath}/providers/Microsoft.Authorization/policyAssignments/${name}`;
}

/** The scope path of an assignment: the tenant's, or the vault's beneath it. */
export function policyScopePath(assignment: Pick<PolicyAssignment, "scope">, tenantId: string, vault: string): string {
  return assignment.scope === "tenant" ? `/tenants/${tenantId}` : `/tenants/${tenantId}/vaults/${vault}`;
}

/**
 * A Deny (issue 17): 403 Forbidden, innererror ForbiddenByPolicy, worded as ARM's RequestDisallowedByPolicy
 * ("Resource '…' was disallowed by policy. Policy identifiers: '[{"policyAssignment":…,"policyDefinition":…}]'."),
 * naming each denying assignment and definition and why, so the caller can fix the request.
 */
export function forbiddenByPolicy(resource: string, denied: readonly PolicyViolation[], tenantId: string, vault: string): VaultError {
  const identifiers = denied.map((v) => ({
    policyAssignment: { name: v.assignment.displayName ?? v.assignment.name, id: policyAssignmentId(policyScopePath(v.assignment, tenantId, vault), v.assignment.name) },
    policyDefinition: { name: v.definition.displayName, id: policyDefinitionId(v.definition) },
  }));
  const reasons = denied.map((v) => v.reason).join(" ");
  const error = new VaultError(
    "Forbidden",
    `Resource '${resource}' was disallowed by policy. Reasons: ${reasons} Policy identifiers: '${JSON.stringify(identifiers)}'.`,
    "ForbiddenByPolicy",
  );
  // The audit record names the assignments too (AuditRecord.resultDescription).
  error.auditDetail = `Denied by policy assignment ${denied.map((v) => `'${v.assignment.name}' (${v.definition.name})`).join(", ")}.`;
  return error;
}
