import { DEFAULT_LOCKOUT, type LockoutPolicy } from "../../core/domain/identity/lockout.ts";

/** The tenant's lockout policy (migration 0013 `sign_in_settings`); the default when no row is stored. */
export class SignInSettingsRepository {
  constructor(private readonly sql: SqlStorage) {}

  lockout(): LockoutPolicy {
    const row = this.sql.exec<{ lockout_threshold: number; lockout_minutes: number }>("SELECT lockout_threshold, lockout_minutes FROM sign_in_settings WHERE id = 1").toArray()[0];
    return row === undefined ? DEFAULT_LOCKOUT : { threshold: row.lockout_threshold, minutes: row.lockout_minutes };
  }

  setLockout(policy: LockoutPolicy): void {
    this.sql.exec(
      "INSERT INTO sign_in_settings (id, lockout_threshold, lockout_minutes) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET lockout_threshold = excluded.lockout_threshold, lockout_minutes = excluded.lockout_minutes",
      policy.threshold,
      policy.minutes,
    );
  }
}
