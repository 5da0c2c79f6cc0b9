/** What an authorization code was issued for (migration 0012 `authorization_codes`). */
export interface AuthorizationCodeGrant {
  readonly principalId: string;
  readonly clientId: string;
  readonly redirectUri: string;
  /** The S256 challenge, or "" when the client sent none (public-clients.ts `pkceRequired`). */
  readonly codeChallenge: string;
  readonly scope: string;
  readonly nonce: string;
  readonly expires: number;
}

export interface RefreshTokenRow {
  readonly familyId: string;
  readonly principalId: string;
  readonly clientId: string;
  readonly scope: string;
  readonly expires: number;
  readonly rotated: boolean;
}

type CodeRow = { principal_id: string; client_id: string; redirect_uri: string; code_challenge: string; scope: string; nonce: string; expires: number; redeemed: number; redeemed_family: string | null };
type RefreshRow = { family_id: string; principal_id: string; client_id: string; scope: string; expires: number; rotated: number };

/** Authorization codes and refresh tokens, stored by the SHA-256 of their value only. All their SQL. */
export class SignInGrantRepository {
  constructor(private readonly sql: SqlStorage) {}

  insertCode(codeHash: Uint8Array, grant: AuthorizationCodeGrant): void {
    this.sql.exec(
      "INSERT INTO authorization_codes (code_hash, principal_id, client_id, redirect_uri, code_challenge, scope, nonce, expires) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      codeHash, grant.principalId, grant.clientId, grant.redirectUri, grant.codeChallenge, grant.scope, grant.nonce, grant.expires,
    );
  }

  code(codeHash: Uint8Array): (AuthorizationCodeGrant & { readonly redeemed: boolean; readonly redeemedFamily: string | null }) | null {
    const r = this.sql.exec<CodeRow>("SELECT * FROM authorization_codes WHERE code_hash = ?", codeHash).toArray()[0];
    if (r === undefined) return null;
    return {
      principalId: r.principal_id, clientId: r.client_id, redirectUri: r.redirect_uri, codeChallenge: r.code_challenge,
      scope: r.scope, nonce: r.nonce, expires: r.expires, redeemed: r.redeemed === 1, redeemedFamily: r.redeemed_family,
    };
  }

  markCodeRedeemed(codeHash: Uint8Array, familyId: string | null): void {
    this.sql.exec("UPDATE authorization_codes SET redeemed = 1, redeemed_family = ? WHERE code_hash = ?", familyId, codeHash);
  }

  insertRefreshToken(tokenHash: Uint8Array, row: Omit<RefreshTokenRow, "rotated">, created: number): void {
    this.sql.exec(
      "INSERT INTO refresh_tokens (token_hash, family_id, principal_id, client_id, scope, created, expires) VALUES (?, ?, ?, ?, ?, ?, ?)",
      tokenHash, row.familyId, row.principalId, row.clientId, row.scope, created, row.expires,
    );
  }

  refreshToken(tokenHash: Uint8Array): RefreshTokenRow | null {
    const r = this.sql.exec<RefreshRow>("SELECT * FROM refresh_tokens WHERE token_hash = ?", tokenHash).toArray()[0];
    if (r === undefined) return null;
    return { familyId: r.family_id, principalId: r.principal_id, clientId: r.client_id, scope: r.scope, expires: r.expires, rotated: r.rotated === 1 };
  }

  markRotated(tokenHash: Uint8Array): void {
    this.sql.exec("UPDATE refresh_tokens SET rotated = 1 WHERE token_hash = ?", tokenHash);
  }

  revokeFamily(familyId: string): void {
    this.sql.exec("DELETE FROM refresh_tokens WHERE family_id = ?", familyId);
  }

  /** Every refresh token of the person: sign-out everywhere, a password change, deletion. Answers how many. */
  revokePrincipal(principalId: string): number {
    return this.sql.exec("DELETE FROM refresh_tokens WHERE principal_id = ?", principalId).rowsWritten;
  }

  /** The person's refresh tokens issued to one client: sign-out from that client. Answers how many. */
  revokePrincipalClient(principalId: string, clientId: string): number {
    return this.sql.exec("DELETE FROM refresh_tokens WHERE principal_id = ? AND client_id = ?", principalId, clientId).rowsWritten;
  }

  /** Forgets what can no longer be used: expired codes and refresh tokens (called as new ones are written). */
  prune(now: number): void {
    this.sql.exec("DELETE FROM authorization_codes WHERE expires < ?", now - CODE_MEMORY_SECONDS);
    this.sql.exec("DELETE FROM refresh_tokens WHERE expires < ?", now);
  }
}

/**
 * A redeemed code is remembered a while past its expiry, so its replay is still recognised and revokes what it
 * was exchanged for (RFC 6749 §4.1.2) rather than being merely unknown.
 */
const CODE_MEMORY_SECONDS = 3600;
