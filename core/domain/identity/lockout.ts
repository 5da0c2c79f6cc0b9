/**
 * Account lockout (docs/sign-in.md "Lockout"; NIST SP 800-63B §5.2.2 rate limiting): after `threshold` consecutive
 * failed sign-ins the account refuses every sign-in, even with the right password, for `minutes`. A success resets
 * the count. Per tenant; these are the defaults.
 */
export interface LockoutPolicy {
  readonly threshold: number;
  readonly minutes: number;
}

export const DEFAULT_LOCKOUT: LockoutPolicy = { threshold: 5, minutes: 15 };
export const LOCKOUT_LIMITS = { threshold: { min: 1, max: 100 }, minutes: { min: 1, max: 24 * 60 } } as const;

export interface SignInCounters {
  readonly failedSignIns: number;
  /** Unix seconds; 0 = not locked. */
  readonly lockedUntil: number;
}

export const isLocked = (counters: SignInCounters, now: number): boolean => counters.lockedUntil > now;

/** The counters after one more failure: the threshold-th consecutive one locks the account and restarts the count. */
export function afterFailure(counters: SignInCounters, policy: LockoutPolicy, now: number): SignInCounters {
  const failed = counters.failedSignIns + 1;
  return failed >= policy.threshold ? { failedSignIns: 0, lockedUntil: now + policy.minutes * 60 } : { failedSignIns: failed, lockedUntil: 0 };
}
