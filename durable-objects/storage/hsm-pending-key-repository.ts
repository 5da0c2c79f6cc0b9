/** A key-making bridge call to replay and undo (migration 0008). */
export interface PendingTokenKey {
  readonly idempotencyKey: string;
  readonly endpoint: "generate" | "import" | "importByok";
  readonly sealedRequest: Uint8Array;
  /** Unix seconds. */
  readonly created: number;
  readonly attempts: number;
}

type Row = {
  idempotency_key: string;
  endpoint: PendingTokenKey["endpoint"];
  sealed_request: ArrayBuffer;
  created: number;
  attempts: number;
};

export class HsmPendingKeyRepository {
  constructor(private readonly sql: SqlStorage) {}

  insert(entry: Omit<PendingTokenKey, "attempts">, nextAttemptAt: number): void {
    this.sql.exec(
      "INSERT OR IGNORE INTO hsm_pending_keys (idempotency_key, endpoint, sealed_request, created, attempts, next_attempt_at) VALUES (?, ?, ?, ?, 0, ?)",
      entry.idempotencyKey,
      entry.endpoint,
      entry.sealedRequest,
      entry.created,
      nextAttemptAt,
    );
  }

  due(nowSeconds: number, limit: number): PendingTokenKey[] {
    return this.sql
      .exec<Row>(
        "SELECT idempotency_key, endpoint, sealed_request, created, attempts FROM hsm_pending_keys WHERE next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?",
        nowSeconds,
        limit,
      )
      .toArray()
      .map((r) => ({ idempotencyKey: r.idempotency_key, endpoint: r.endpoint, sealedRequest: new Uint8Array(r.sealed_request), created: r.created, attempts: r.attempts }));
  }

  retryAt(idempotencyKey: string, nextAttemptAt: number): void {
    this.sql.exec("UPDATE hsm_pending_keys SET attempts = attempts + 1, next_attempt_at = ? WHERE idempotency_key = ?", nextAttemptAt, idempotencyKey);
  }

  remove(idempotencyKey: string): void {
    this.sql.exec("DELETE FROM hsm_pending_keys WHERE idempotency_key = ?", idempotencyKey);
  }

  nextDue(): number | null {
    return this.sql.exec<{ t: number | null }>("SELECT MIN(next_attempt_at) AS t FROM hsm_pending_keys").toArray()[0]?.t ?? null;
  }
}
