/** A service principal's further client secrets (tenant migration 0004). All SQL for them lives here. */
export interface PrincipalSecret {
  readonly id: string;
  readonly principalId: string;
  readonly credentialHash: Uint8Array;
  readonly hint: string;
  readonly displayName: string;
  /** Unix seconds. */
  readonly expires: number;
  readonly created: number;
}

type SecretRow = { id: string; principal_id: string; credential_hash: ArrayBuffer; hint: string; display_name: string; expires: number; created: number };

const toSecret = (r: SecretRow): PrincipalSecret => ({
  id: r.id,
  principalId: r.principal_id,
  credentialHash: new Uint8Array(r.credential_hash),
  hint: r.hint,
  displayName: r.display_name,
  expires: r.expires,
  created: r.created,
});

export class PrincipalSecretRepository {
  constructor(private readonly sql: SqlStorage) {}

  insert(s: PrincipalSecret): void {
    this.sql.exec(
      "INSERT INTO principal_secrets (id, principal_id, credential_hash, hint, display_name, expires, created) VALUES (?, ?, ?, ?, ?, ?, ?)",
      s.id,
      s.principalId,
      s.credentialHash,
      s.hint,
      s.displayName,
      s.expires,
      s.created,
    );
  }

  of(principalId: string): PrincipalSecret[] {
    return this.sql.exec<SecretRow>("SELECT * FROM principal_secrets WHERE principal_id = ? ORDER BY created, id", principalId).toArray().map(toSecret);
  }

  delete(principalId: string, id: string): boolean {
    return this.sql.exec("DELETE FROM principal_secrets WHERE principal_id = ? AND id = ?", principalId, id).rowsWritten > 0;
  }

  deleteAllOf(principalId: string): void {
    this.sql.exec("DELETE FROM principal_secrets WHERE principal_id = ?", principalId);
  }

  primaryRetired(principalId: string): boolean {
    return this.sql.exec<{ r: number }>("SELECT primary_retired AS r FROM principals WHERE id = ?", principalId).toArray()[0]?.r === 1;
  }

  retirePrimary(principalId: string): boolean {
    return this.sql.exec("UPDATE principals SET primary_retired = 1 WHERE id = ? AND primary_retired = 0", principalId).rowsWritten > 0;
  }
}
