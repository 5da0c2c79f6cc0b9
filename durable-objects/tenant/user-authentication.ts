import { PASSWORD_ITERATIONS, newPasswordSalt, proofMatches, type PasswordParameters, type PasswordProof } from "../../core/crypto/password-hash.ts";
import { afterFailure, isLocked, type LockoutPolicy } from "../../core/domain/identity/lockout.ts";
import type { SignInFailure } from "../../core/domain/identity/oauth-grant.ts";
import type { User } from "../../core/domain/identity/user.ts";
import type { UserRepository } from "../storage/user-repository.ts";
import { totpAccepted, type TotpKeys } from "./user-totp.ts";

/** What a person typed: name, the password as the Worker stretched it, and the authenticator's code when they use one. */
export interface Credentials {
  readonly userPrincipalName: string;
  readonly password: PasswordProof;
  readonly totp: string | null;
}

/**
 * The parameters the Worker stretches a typed password with (password-hash.ts): the user's, or the decoy's for an
 * unknown name. Stretching costs ~76 ms of CPU at 600,000 rounds; done here it would hold the tenant object — which
 * issues every token of the tenant — for that long per guess, so anyone could stall a tenant's token service with
 * sign-in attempts. The Worker scales out; the tenant object only compares.
 */
export function passwordParameters(users: UserRepository, userPrincipalName: string, decoySalt: Uint8Array): PasswordParameters {
  const stored = users.byName(userPrincipalName)?.password;
  if (stored === undefined) return { salt: decoySalt, iterations: PASSWORD_ITERATIONS, upgrade: null };
  const upgrade = stored.iterations < PASSWORD_ITERATIONS ? { salt: newPasswordSalt(), iterations: PASSWORD_ITERATIONS } : null;
  return { salt: stored.salt, iterations: stored.iterations, upgrade };
}

export type Authentication = { readonly ok: true; readonly user: User } | { readonly ok: false; readonly failure: SignInFailure; readonly userId: string | null };

/**
 * Checks a person's name, password and — when enrolled — TOTP code against the tenant's users, counting consecutive
 * failures (a wrong code too) toward lockout (core/domain/identity/lockout.ts). The Worker stretched the password for
 * an unknown name as for a known one (decoy parameters), so timing does not tell which names exist. A locked account
 * is refused before its password is compared, so a guess during lockout learns nothing.
 */
export async function authenticate(users: UserRepository, keys: TotpKeys, credentials: Credentials, policy: LockoutPolicy, now: number): Promise<Authentication> {
  const { userPrincipalName, password } = credentials;
  const record = users.byName(userPrincipalName);
  if (record === null) return { ok: false, failure: "InvalidCredentials", userId: null };
  const userId = record.user.id;
  if (isLocked(record, now)) return { ok: false, failure: "AccountLocked", userId };
  const matches = proofMatches(password, record.password);
  const secondFactor = matches && (await totpAccepted(users, keys, record, credentials.totp, now));
  if (!secondFactor) {
    // Re-read after the awaits: concurrent failures must all count.
    const next = afterFailure(users.byId(userId) ?? record, policy, now);
    users.setSignInCounters(userId, next.failedSignIns, next.lockedUntil);
    return { ok: false, failure: next.lockedUntil > 0 ? "AccountLocked" : matches ? "InvalidTotp" : "InvalidCredentials", userId };
  }
  if (!record.user.enabled) return { ok: false, failure: "AccountDisabled", userId };
  users.setSignInCounters(userId, 0, 0);
  // A hash made with fewer rounds than today's is replaced by the one the Worker made with today's (password-hash.ts).
  if (record.password.iterations < PASSWORD_ITERATIONS && password.upgrade !== null) users.setPassword(userId, password.upgrade);
  return { ok: true, user: record.user };
}
