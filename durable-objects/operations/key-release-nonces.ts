import type { StoredVersion } from "../../core/domain/objects/versioned-object.ts";
import { nameKey } from "../../core/domain/objects/ids.ts";
import { CLOCK_TOLERANCE_S, type AttestationOutcome } from "../../core/crypto/release/verify-attestation.ts";
import { claimValue } from "../../core/domain/release-policy/claim-value.ts";
import { boundNonceClaims } from "../../core/domain/release-policy/nonce-binding.ts";
import type { ReleasePolicy } from "../../core/domain/release-policy/policy-types.ts";
import type { ReleaseNonces, Transactions } from "./vault-context.ts";

/**
 * Nonces a policy binds (nonce-binding.ts): the token's nonce claim must be the request's `nonce`, and a nonce
 * releases a key version once. Spent nonces are stored in the vault (storage/release-nonce-repository.ts) until the
 * token that carried them expires, written on their own (bookkeeping): a release that fails after this check has
 * still spent its nonce, and a restarted object still refuses the replay (docs/key-release.md, "Replay").
 */
export function checkBoundNonce(
  ctx: ReleaseNonces & Transactions,
  version: StoredVersion,
  policy: ReleasePolicy,
  verified: Extract<AttestationOutcome, { ok: true }>,
  nonce: string | undefined,
  nowMs: number,
): string | null {
  const claims = boundNonceClaims(policy, verified.issuer);
  if (claims.length === 0) return null;
  if (nonce === undefined) return `the policy binds a nonce (${claims.join(", ")}) and the request has none`;
  for (const claim of claims) {
    const found = claimValue(verified.claims, claim);
    if (!found.found || found.value !== nonce) return `the token's ${claim} is not the request's nonce`;
  }
  // verify-attestation.ts requires `exp`; the tolerance is the one the token was checked with.
  const exp = typeof verified.claims.exp === "number" ? verified.claims.exp : Math.floor(nowMs / 1000);
  const id = `${nameKey(version.name)}|${version.version}|${nonce}`;
  const spent = ctx.bookkeeping(() => ctx.releaseNonces.spend(id, (exp + CLOCK_TOLERANCE_S) * 1000, nowMs));
  return spent ? null : "the nonce was already used to release this key version";
}
