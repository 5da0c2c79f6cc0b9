import { claimsNamed } from "./evaluate-policy.ts";
import type { ReleasePolicy } from "./policy-types.ts";

/**
 * A policy binds the release request's `nonce` when one of its conditions (for the token's authority) names a
 * nonce claim: `nonce`, or any nested claim whose last segment is `nonce` (Microsoft Azure Attestation carries a
 * guest's nonce in its runtime data, `x-ms-runtime.client-payload.nonce`). The grammar has no way to compare a
 * claim with the request, so this is the vault's rule (docs/key-release.md): such a token releases only to a request
 * carrying the same nonce, and each nonce once. Without such a condition the nonce is only echoed, as Azure does.
 */
export function boundNonceClaims(policy: ReleasePolicy, issuer: string): string[] {
  return [...new Set(claimsNamed(policy, issuer).filter((claim) => claim === "nonce" || claim.endsWith(".nonce")))];
}
