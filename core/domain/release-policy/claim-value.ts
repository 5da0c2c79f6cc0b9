/**
 * Where a condition's claim is in a token's claims. A claim name is first looked up as it is (MAA claim names hold
 * dashes, never dots), then as a dotted path through nested objects: `x-ms-isolation-tee.x-ms-attestation-type`
 * reads `claims["x-ms-isolation-tee"]["x-ms-attestation-type"]` (the grammar's nested claims). Only own members
 * are read, so `__proto__` or `constructor` find nothing; arrays are values, not paths.
 */
export type ClaimLookup = { readonly found: true; readonly value: unknown } | { readonly found: false };

const MISSING: ClaimLookup = { found: false };

function member(value: unknown, name: string): ClaimLookup {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return MISSING;
  if (!Object.prototype.hasOwnProperty.call(value, name)) return MISSING;
  return { found: true, value: (value as Record<string, unknown>)[name] };
}

export function claimValue(claims: unknown, claim: string): ClaimLookup {
  const direct = member(claims, claim);
  if (direct.found || !claim.includes(".")) return direct;
  let current: ClaimLookup = { found: true, value: claims };
  for (const segment of claim.split(".")) {
    if (!current.found) return MISSING;
    current = member(current.value, segment);
  }
  return current;
}
