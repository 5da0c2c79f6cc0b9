import type { JWTPayload } from "jose";
import type { Caller } from "../../core/contract/common.ts";

/**
 * Tokens this isolate has verified, so a client's next request with the same token skips the signature check (an
 * ECDSA verification is most of what authenticating a request costs). Keyed by the whole token with the tenant and
 * audience it was verified for, so only the same bytes for the same vault match; a forged token never equals a
 * verified one. An entry is used only within the token's own exp/nbf (with the verifier's skew) and for at most
 * REVERIFY_MS; a tenant's entries are forgotten whenever its signing keys are loaded again (jwks-cache.ts), so a
 * withdrawn signing key is noticed no later than without this cache.
 */
const REVERIFY_MS = 60_000;
const MAX_ENTRIES = 10_000;

export type VerifiedCaller = Caller & { claims: JWTPayload };

interface Entry {
  readonly caller: VerifiedCaller;
  readonly usableFromMs: number;
  readonly usableUntilMs: number;
}

const verified = new Map<string, Entry>();

export function verifiedTokenKey(token: string, tenantId: string, audience: string): string {
  return `${tenantId}\n${audience}\n${token}`;
}

export function recallVerified(key: string, nowMs: number): VerifiedCaller | null {
  const entry = verified.get(key);
  if (entry === undefined) return null;
  if (nowMs >= entry.usableFromMs && nowMs < entry.usableUntilMs) return entry.caller;
  verified.delete(key);
  return null;
}

/** Remembers a token just verified at `nowMs`, within the window its claims (and `skewS`) allow. */
export function rememberVerified(key: string, caller: VerifiedCaller, nowMs: number, skewS: number): void {
  const { exp, nbf } = caller.claims;
  if (typeof exp !== "number") return;
  if (verified.size >= MAX_ENTRIES) verified.clear();
  verified.set(key, {
    caller,
    usableFromMs: typeof nbf === "number" ? (nbf - skewS) * 1000 : 0,
    usableUntilMs: Math.min((exp + skewS) * 1000, nowMs + REVERIFY_MS),
  });
}

/** The tenant's signing keys were loaded again: what was verified with the old set is verified afresh. */
export function forgetVerifiedOf(tenantId: string): void {
  const prefix = `${tenantId}\n`;
  for (const key of verified.keys()) if (key.startsWith(prefix)) verified.delete(key);
}
