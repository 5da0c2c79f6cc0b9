import type { PasswordHash } from "../../core/crypto/password-hash.ts";
import type { User } from "../../core/domain/identity/user.ts";

type UserRow = {
  id: string;
  display_name: string;
  tenant_admin: number;
  created: number;
  user_principal_name: string;
  enabled: number;
  password_hash: ArrayBuffer;
  password_salt: ArrayBuffer;
  password_iterations: number;
  failed_sign_ins: number;
  locked_until: number;
  sealed_totp_secret: ArrayBuffer | null;
  totp_last_step: number;
};

/** A user with what signing in needs: the stored password hash and the lockout counters. */
export interface UserRecord {
  readonly user: User;
  readonly password: PasswordHash;
  readonly failedSignIns: number;
  /** Unix seconds; 0 when not locked. */
  readonly lockedUntil: number;
  /** The TOTP secret sealed under the tenant data key (AAD totp|{tenant}|{user}), or null when not enrolled. */
  readonly sealedTotpSecret: Uint8Array | null;
  readonly totpLastStep: number;
}

const SELECT = `SELECT p.id, p.display_name, p.tenant_admin, p.created, u.user_principal_name, u.enabled, u.password_hash,
  u.password_salt, u.password_iterations, u.failed_sign_ins, u.locked_until, u.sealed_totp_secret, u.totp_last_step FROM users u JOIN principals p ON p.id = u.principal_id`;

/** The `users` rows (migration 0012); a user's `principals` row is written by TenantRepository in the same transaction. */
export class UserRepository {
  constructor(private readonly sql: SqlStorage) {}

  insert(principalId: string, userPrincipalName: string, password: PasswordHash): void {
    this.sql.exec(
      "INSERT INTO users (principal_id, user_principal_name, password_hash, password_salt, password_iterations) VALUES (?, ?, ?, ?, ?)",
      principalId,
      userPrincipalName,
      password.hash,
      password.salt,
      password.iterations,
    );
  }

  byName(userPrincipalName: string): UserRecord | null {
    return this.first(`${SELECT} WHERE u.user_principal_name = ?`, userPrincipalName);
  }

  byId(id: string): UserRecord | null {
    return this.first(`${SELECT} WHERE u.principal_id = ?`, id);
  }

  list(): User[] {
    return this.sql.exec<UserRow>(`${SELECT} ORDER BY p.created, p.id`).toArray().map((r) => toRecord(r).user);
  }

  setPassword(id: string, password: PasswordHash): void {
    this.sql.exec(
      "UPDATE users SET password_hash = ?, password_salt = ?, password_iterations = ?, failed_sign_ins = 0, locked_until = 0 WHERE principal_id = ?",
      password.hash,
      password.salt,
      password.iterations,
      id,
    );
  }

  setEnabled(id: string, enabled: boolean): void {
    this.sql.exec("UPDATE users SET enabled = ? WHERE principal_id = ?", enabled ? 1 : 0, id);
  }

  setSignInCounters(id: string, failedSignIns: number, lockedUntil: number): void {
    this.sql.exec("UPDATE users SET failed_sign_ins = ?, locked_until = ? WHERE principal_id = ?", failedSignIns, lockedUntil, id);
  }

  /** A new secret (or none) starts with no step used. */
  setTotpSecret(id: string, sealed: Uint8Array | null): void {
    this.sql.exec("UPDATE users SET sealed_totp_secret = ?, totp_last_step = 0 WHERE principal_id = ?", sealed, id);
  }

  setTotpLastStep(id: string, step: number): void {
    this.sql.exec("UPDATE users SET totp_last_step = ? WHERE principal_id = ?", step, id);
  }

  delete(id: string): void {
    this.sql.exec("DELETE FROM users WHERE principal_id = ?", id);
  }

  private first(query: string, ...bindings: string[]): UserRecord | null {
    const row = this.sql.exec<UserRow>(query, ...bindings).toArray()[0];
    return row === undefined ? null : toRecord(row);
  }
}

function toRecord(r: UserRow): UserRecord {
  return {
    user: {
      id: r.id,
      appId: r.id,
      type: "user",
      displayName: r.display_name,
      tenantAdmin: r.tenant_admin === 1,
      created: r.created,
      userPrincipalName: r.user_principal_name,
      enabled: r.enabled === 1,
    },
    password: { hash: new Uint8Array(r.password_hash), salt: new Uint8Array(r.password_salt), iterations: r.password_iterations },
    failedSignIns: r.failed_sign_ins,
    lockedUntil: r.locked_until,
    sealedTotpSecret: r.sealed_totp_secret === null ? null : new Uint8Array(r.sealed_totp_secret),
    totpLastStep: r.totp_last_step,
  };
}
