/** A principal's federated identity credentials and the replay window of exchanged assertions (tenant migration 0005). */
export interface FederatedCredential {
  readonly id: string;
  readonly name: string;
  readonly issuer: string;
  readonly subject: string;
  /** Graph's `audiences` holds exactly one entry. */
  readonly audience: string;
  readonly description: string;
}

type CredentialRow = { id: string; name: string; issuer: string; subject: string; audience: string; description: string };

const toCredential = (r: CredentialRow): FederatedCredential => ({
  id: r.id,
  name: r.name,
  issuer: r.issuer,
  subject: r.subject,
  audience: r.audience,
  description: r.description,
});

const COLUMNS = "id, name, issuer, subject, audience, description";

export class FederatedCredentialRepository {
  constructor(private readonly sql: SqlStorage) {}

  of(principalId: string): FederatedCredential[] {
    return this.sql.exec<CredentialRow>(`SELECT ${COLUMNS} FROM federated_credentials WHERE principal_id = ? ORDER BY created, name`, principalId).toArray().map(toCredential);
  }

  find(principalId: string, name: string): FederatedCredential | null {
    const row = this.sql.exec<CredentialRow>(`SELECT ${COLUMNS} FROM federated_credentials WHERE principal_id = ? AND name = ?`, principalId, name).toArray()[0];
    return row === undefined ? null : toCredential(row);
  }

  /** Inserts or replaces the credential named `c.name` (its id and creation time kept on replace). */
  upsert(principalId: string, c: FederatedCredential, created: number): void {
    this.sql.exec(
      `INSERT INTO federated_credentials (principal_id, ${COLUMNS}, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (principal_id, name) DO UPDATE SET issuer = excluded.issuer, subject = excluded.subject,
         audience = excluded.audience, description = excluded.description`,
      principalId,
      c.id,
      c.name,
      c.issuer,
      c.subject,
      c.audience,
      c.description,
      created,
    );
  }

  delete(principalId: string, name: string): boolean {
    return this.sql.exec("DELETE FROM federated_credentials WHERE principal_id = ? AND name = ?", principalId, name).rowsWritten > 0;
  }

  deleteAllOf(principalId: string): void {
    this.sql.exec("DELETE FROM federated_credentials WHERE principal_id = ?", principalId);
  }

  /**
   * Records an exchanged assertion until `expires` (Unix seconds); false when it is already recorded and unexpired.
   * Expired records are pruned first, so the table holds only assertions that could still be presented.
   */
  recordAssertion(replayKey: string, expires: number, nowSeconds: number): boolean {
    this.sql.exec("DELETE FROM used_assertions WHERE expires <= ?", nowSeconds);
    return this.sql.exec("INSERT INTO used_assertions (replay_key, expires) VALUES (?, ?) ON CONFLICT (replay_key) DO NOTHING", replayKey, expires).rowsWritten > 0;
  }
}
