import type { StoredVersion } from "../../core/domain/objects/versioned-object.ts";
import { BoundedCache } from "../../core/crypto/release/bounded-cache.ts";
import { CLOCK_TOLERANCE_S, type AttestationOutcome } from "../../core/crypto/release/verify-attestation.ts";
import { claimValue } from "../../core/domain/release-policy/claim-value.ts";
import { boundNonceClaims } from "../../core/domain/release-policy/nonce-binding.ts";
import type { ReleasePolicy } from "../../core/domain/release-policy/policy-types.ts";
import type { VaultConfig } from "../../core/domain/vault/vault-config.ts";

/**
 * Nonces a policy binds (nonce-binding.ts): the token's nonce claim must be the request's `nonce`, and a nonce
 * releases a key version once. Used nonces are remembered until the token that carried them expires, at most
 * {@link MAX_REMEMBERED_NONCES} per isolate; a vault object runs in one isolate at a time, so this holds for as long
 * as the object stays in memory. After an eviction a bound token could be replayed until it expires: tokens are
 * short-lived, and a durable record is the next step (docs/key-release.md, "Replay").
 */
export const MAX_REMEMBERED_NONCES = 10_000;

const used = new BoundedCache<number>(MAX_REMEMBERED_NONCES);

/** Null when the release may proceed (and the nonce is now spent), else the reason it may not. */
export function checkBoundNonce(
  config: VaultConfig,
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
  const id = `${config.tenantId}|${config.name.toLowerCase()}|${version.name.toLowerCase()}|${version.version}|${nonce}`;
  const until = used.peek(id)?.value;
  if (until !== undefined && nowMs < until) return "the nonce was already used to release this key version";
  const exp = typeof verified.claims.exp === "number" ? verified.claims.exp : Math.floor(nowMs / 1000);
  used.set(id, (exp + CLOCK_TOLERANCE_S) * 1000, nowMs);
  return null;
}
