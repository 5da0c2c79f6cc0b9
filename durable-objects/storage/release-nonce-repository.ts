/**
 * Nonces spent by secure key release (migration 0012, docs/key-release.md "Replay"). All SQL for them lives here.
 * Expired rows are pruned a batch at a time as nonces are spent, so the table holds about as many rows as there are
 * unexpired attestation tokens that released a key, and no alarm is needed.
 */
const PRUNE_BATCH = 100;

export class ReleaseNonceRepository {
  constructor(private readonly sql: SqlStorage) {}

  /** Spends `id` until `expiresMs`: true when it was free (or only spent by a token now expired), false otherwise. */
  spend(id: string, expiresMs: number, nowMs: number): boolean {
    this.sql.exec(
      "DELETE FROM release_nonces WHERE id IN (SELECT id FROM release_nonces WHERE expires_ms <= ? ORDER BY expires_ms LIMIT ?)",
      nowMs,
      PRUNE_BATCH,
    );
    const held = this.sql.exec<{ expires_ms: number }>("SELECT expires_ms FROM release_nonces WHERE id = ?", id).toArray()[0];
    if (held !== undefined && held.expires_ms > nowMs) return false;
    this.sql.exec("INSERT OR REPLACE INTO release_nonces (id, expires_ms) VALUES (?, ?)", id, expiresMs);
    return true;
  }
}
