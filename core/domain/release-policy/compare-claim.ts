import { NUMERIC_STRING } from "./parse-policy.ts";
import type { PolicyOperator, PolicyValue } from "./policy-types.ts";

/**
 * One operator applied to a claim's value and the policy's. Key Vault stores policy values as strings (its SDK
 * tests note `equals: true` comes back as "true" from a vault, as true from a managed HSM), while attestation tokens
 * carry real booleans and numbers, so a string meets a boolean or a number by its JSON spelling: "true" equals
 * true, "5" equals 5. Anything else of another type — an object, an array, null, "yes" against true — is a
 * mismatch, and a mismatch satisfies no operator, notEquals included: a claim that is not what the policy speaks
 * of never releases a key. Pure and total: it returns false rather than throw.
 */
type Scalar = string | number | boolean;

function isScalar(value: unknown): value is Scalar {
  return typeof value === "string" || typeof value === "boolean" || (typeof value === "number" && Number.isFinite(value));
}

/** The two values as one comparable type, or null when they have none. */
function unify(claim: Scalar, policy: Scalar): readonly [Scalar, Scalar] | null {
  if (typeof claim === typeof policy) return [claim, policy];
  const [text, other] = typeof claim === "string" ? [claim, policy] : typeof policy === "string" ? [policy, claim] : [null, null];
  if (text === null || other === null) return null;
  if (typeof other === "boolean") {
    const lowered = text.toLowerCase();
    if (lowered !== "true" && lowered !== "false") return null;
    return [lowered === "true", other];
  }
  if (typeof other === "number" && NUMERIC_STRING.test(text)) return [Number(text), other];
  return null;
}

function asNumber(value: Scalar): number | null {
  if (typeof value === "number") return value;
  if (typeof value === "string" && NUMERIC_STRING.test(value)) {
    const n = Number(value);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

const ORDER: Readonly<Record<"less" | "lessOrEquals" | "greater" | "greaterOrEquals", (a: number, b: number) => boolean>> = {
  less: (a, b) => a < b,
  lessOrEquals: (a, b) => a <= b,
  greater: (a, b) => a > b,
  greaterOrEquals: (a, b) => a >= b,
};

/** Whether a present claim value meets `operator value`; `exists` is decided by the caller (presence alone). */
export function compareClaim(operator: Exclude<PolicyOperator, "exists">, claim: unknown, policy: PolicyValue): boolean {
  if (!isScalar(claim)) return false;
  if (operator === "equals" || operator === "notEquals") {
    const pair = unify(claim, policy);
    if (pair === null) return false;
    return (pair[0] === pair[1]) === (operator === "equals");
  }
  const a = asNumber(claim);
  const b = asNumber(policy);
  if (a === null || b === null) return false;
  return ORDER[operator](a, b);
}
