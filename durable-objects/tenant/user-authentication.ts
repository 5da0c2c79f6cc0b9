import { PASSWORD_ITERATIONS, hashPassword, passwordMatches } from "../../core/crypto/password-hash.ts";
import { afterFailure, isLocked, type LockoutPolicy } from "../../core/domain/identity/lockout.ts";
import type { SignInFailure } from "../../core/domain/identity/oauth-grant.ts";
import type { User } from "../../core/domain/identity/user.ts";
import type { UserRepository } from "../storage/user-repository.ts";
import { totpAccepted, type TotpKeys } from "./user-totp.ts";

/** What a person typed: name, password, and the authenticator's code when they use one. */
export interface Credentials {
  readonly userPrincipalName: string;
  readonly password: string;
  readonly totp: string | null;
}

export type Authentication = { readonly ok: true; readonly user: User } | { readonly ok: false; readonly failure: SignInFailure; readonly userId: string | null };

/**
 * Checks a person's name, password and — when enrolled — TOTP code against the tenant's users, counting consecutive
 * failures (a wrong code too) toward lockout (core/domain/identity/lockout.ts). An unknown name costs a hash too, so timing does not tell which names exist. A
 * locked account is refused before its password is checked, so a guess during lockout learns nothing.
 */
export async function authenticate(users: UserRepository, keys: TotpKeys, credentials: Credentials, policy: LockoutPolicy, now: number): Promise<Authentication> {
  const { userPrincipalName, password } = credentials;
  const record = users.byName(userPrincipalName);
  if (record === null) {
    await hashPassword(password);
    return { ok: false, failure: "InvalidCredentials", userId: null };
  }
  const userId = record.user.id;
  if (isLocked(record, now)) return { ok: false, failure: "AccountLocked", userId };
  const matches = await passwordMatches(password, record.password);
  const secondFactor = matches && (await totpAccepted(users, keys, record, credentials.totp, now));
  if (!secondFactor) {
    // Re-read after the awaits: concurrent failures must all count.
    const next = afterFailure(users.byId(userId) ?? record, policy, now);
    users.setSignInCounters(userId, next.failedSignIns, next.lockedUntil);
    return { ok: false, failure: next.lockedUntil > 0 ? "AccountLocked" : matches ? "InvalidTotp" : "InvalidCredentials", userId };
  }
  if (!record.user.enabled) return { ok: false, failure: "AccountDisabled", userId };
  users.setSignInCounters(userId, 0, 0);
  // A hash made with fewer rounds than today's is replaced while the password is at hand (password-hash.ts).
  if (record.password.iterations < PASSWORD_ITERATIONS) users.setPassword(userId, await hashPassword(password));
  return { ok: true, user: record.user };
}
