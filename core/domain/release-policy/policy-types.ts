/**
 * A key release policy as the vault evaluates it: Managed HSM's "Secure key release policy grammar"
 * (learn.microsoft.com/azure/key-vault/managed-hsm/policy-grammar), version 1.0.0. The wire form is JSON inside
 * `release_policy.data` (keys.json KeyReleasePolicy); parse-policy.ts turns it into this tree once, on the way in.
 *
 *   { version, anyOf: [ { authority, allOf | anyOf: [ condition | { allOf | anyOf: [...] } ] } ] }
 *
 * A condition is `{claim, <operator>: value}`, or the `{claim, condition: "<operator>", value}` form Azure's own
 * example uses (keys.json examples ReleasePolicy-example.json); both parse to the same node.
 */

/** The claim operators of the grammar, one entry each (docs/decisions.md §6.2). */
export const POLICY_OPERATORS = ["equals", "notEquals", "less", "lessOrEquals", "greater", "greaterOrEquals", "exists"] as const;
export type PolicyOperator = (typeof POLICY_OPERATORS)[number];

export function isPolicyOperator(value: unknown): value is PolicyOperator {
  return typeof value === "string" && (POLICY_OPERATORS as readonly string[]).includes(value);
}

export type Combinator = "allOf" | "anyOf";

/** What a condition compares with: the grammar's values are JSON scalars. */
export type PolicyValue = string | number | boolean;

export interface ClaimCondition {
  readonly kind: "condition";
  /** A claim name, or a dotted path into nested claims (`x-ms-isolation-tee.x-ms-attestation-type`). */
  readonly claim: string;
  readonly operator: PolicyOperator;
  readonly value: PolicyValue;
}

export interface ConditionGroup {
  readonly kind: "group";
  readonly combinator: Combinator;
  readonly members: readonly PolicyNode[];
}

export type PolicyNode = ClaimCondition | ConditionGroup;

/** One entry of the top-level `anyOf`: the conditions a token issued by `authority` must meet. */
export interface AuthorityRule {
  /** As written in the policy; compared with a token's `iss` by sameAuthority (authority.ts). */
  readonly authority: string;
  readonly combinator: Combinator;
  readonly members: readonly PolicyNode[];
}

export interface ReleasePolicy {
  readonly version: string;
  readonly rules: readonly AuthorityRule[];
}
