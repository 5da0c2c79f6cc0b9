import { sameAuthority } from "./authority.ts";
import { claimValue } from "./claim-value.ts";
import { compareClaim } from "./compare-claim.ts";
import type { ClaimCondition, Combinator, PolicyNode, ReleasePolicy } from "./policy-types.ts";

/** The decision, and for a refusal the first reason found: it goes to the log and audit trail, never the caller. */
export interface PolicyDecision {
  readonly allowed: boolean;
  readonly reason: string;
}

interface Outcome {
  readonly met: boolean;
  /** Why not, when not met. */
  readonly why: string;
}

const MET: Outcome = { met: true, why: "" };

/** Reasons name values the caller sent; they are kept short for the log. */
const clip = (text: string): string => (text.length > 120 ? `${text.slice(0, 117)}...` : text);

function describe(c: ClaimCondition): string {
  return `claim '${clip(c.claim)}' ${c.operator} ${clip(JSON.stringify(c.value))}`;
}

function condition(c: ClaimCondition, claims: unknown): Outcome {
  const found = claimValue(claims, c.claim);
  if (c.operator === "exists") return found.found === c.value ? MET : { met: false, why: `${describe(c)}: claim ${found.found ? "present" : "missing"}` };
  if (!found.found) return { met: false, why: `${describe(c)}: claim missing` };
  return compareClaim(c.operator, found.value, c.value) ? MET : { met: false, why: `${describe(c)}: not met by ${clip(JSON.stringify(found.value) ?? "a value")}` };
}

function node(n: PolicyNode, claims: unknown): Outcome {
  return n.kind === "condition" ? condition(n, claims) : group(n.combinator, n.members, claims);
}

function group(combinator: Combinator, members: readonly PolicyNode[], claims: unknown): Outcome {
  let firstFailure: string | null = null;
  for (const member of members) {
    const outcome = node(member, claims);
    if (combinator === "anyOf" && outcome.met) return MET;
    if (combinator === "allOf" && !outcome.met) return outcome;
    firstFailure ??= outcome.met ? null : outcome.why;
  }
  return combinator === "allOf" ? MET : { met: false, why: `none of anyOf met (first: ${firstFailure ?? "empty"})` };
}

/**
 * Whether a token `issuer` vouched for with `claims` meets the policy: some rule of the top-level anyOf names that
 * issuer as its authority and its conditions hold (policy grammar: "anyOf" over authorities). Total by
 * construction — claims are plain JSON and every comparison answers false on a mismatch — and guarded all the same:
 * whatever goes wrong is a refusal, never an exception that would become a 500.
 */
export function evaluateReleasePolicy(policy: ReleasePolicy, issuer: string, claims: unknown): PolicyDecision {
  try {
    const rules = policy.rules.filter((rule) => sameAuthority(rule.authority, issuer));
    if (rules.length === 0) return { allowed: false, reason: `the policy names no rule for authority ${issuer}` };
    let reason = "";
    for (const rule of rules) {
      const outcome = group(rule.combinator, rule.members, claims);
      if (outcome.met) return { allowed: true, reason: "" };
      reason ||= outcome.why;
    }
    return { allowed: false, reason };
  } catch {
    return { allowed: false, reason: "the policy could not be evaluated against these claims" };
  }
}

/** Every claim a condition of the rules for `issuer` names, in policy order (nonce binding reads these). */
export function claimsNamed(policy: ReleasePolicy, issuer: string): string[] {
  const names: string[] = [];
  const walk = (members: readonly PolicyNode[]): void => {
    for (const m of members) {
      if (m.kind === "condition") names.push(m.claim);
      else walk(m.members);
    }
  };
  for (const rule of policy.rules) if (sameAuthority(rule.authority, issuer)) walk(rule.members);
  return names;
}
