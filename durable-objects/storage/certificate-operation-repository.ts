import type { CertificateOperationState } from "../../core/domain/certificates/certificate-operation.ts";

type OperationRow = { operation: string; sealed_pending_key: ArrayBuffer };

const IN_PROGRESS = "json_extract(operation, '$.status') = 'inProgress'";
/** NULL for operations that wait for a merge (certificate-operation.ts `completesAt`). */
const COMPLETES_AT = "json_extract(operation, '$.completesAt')";

/** Each certificate name's current operation and, while it waits for a merge, its sealed key. */
export class CertificateOperationRepository {
  constructor(private readonly sql: SqlStorage) {}

  get(nameKey: string): { state: CertificateOperationState; sealedPendingKey: Uint8Array } | null {
    const row = this.sql
      .exec<OperationRow>("SELECT operation, sealed_pending_key FROM certificate_operations WHERE name_key = ?", nameKey)
      .toArray()[0];
    if (row === undefined) return null;
    return { state: JSON.parse(row.operation) as CertificateOperationState, sealedPendingKey: new Uint8Array(row.sealed_pending_key) };
  }

  put(nameKey: string, state: CertificateOperationState, sealedPendingKey: Uint8Array, now: number): void {
    this.sql.exec(
      "INSERT INTO certificate_operations (name_key, name, operation, sealed_pending_key, created, updated) VALUES (?, ?, ?, ?, ?, ?) " +
        "ON CONFLICT (name_key) DO UPDATE SET name = excluded.name, operation = excluded.operation, " +
        "sealed_pending_key = excluded.sealed_pending_key, updated = excluded.updated",
      nameKey,
      state.name,
      JSON.stringify(state),
      sealedPendingKey,
      now,
      now,
    );
  }

  delete(nameKey: string): boolean {
    return this.sql.exec("DELETE FROM certificate_operations WHERE name_key = ?", nameKey).rowsWritten > 0;
  }

  /** Names of self-signed issuances in progress due at `nowMs` (Unix ms), earliest first, at most `limit`. */
  dueCompletions(nowMs: number, limit: number): string[] {
    return this.sql
      .exec<{ name: string }>(
        `SELECT name FROM certificate_operations WHERE ${IN_PROGRESS} AND ${COMPLETES_AT} <= ? ORDER BY ${COMPLETES_AT} LIMIT ?`,
        nowMs,
        limit,
      )
      .toArray()
      .map((r) => r.name);
  }

  /** When the earliest self-signed issuance in progress completes (Unix ms), or null. */
  nextCompletion(): number | null {
    return this.sql.exec<{ t: number | null }>(`SELECT MIN(${COMPLETES_AT}) AS t FROM certificate_operations WHERE ${IN_PROGRESS}`).one().t;
  }

  /** Names whose operation is still in progress, after `afterKey`, in name order (ListCertificates includePending). */
  pendingNames(afterKey: string, limit: number): { nameKey: string; name: string }[] {
    return this.sql
      .exec<{ name_key: string; name: string }>(
        `SELECT name_key, name FROM certificate_operations WHERE name_key > ? AND ${IN_PROGRESS} ` +
          "ORDER BY name_key LIMIT ?",
        afterKey,
        limit,
      )
      .toArray()
      .map((r) => ({ nameKey: r.name_key, name: r.name }));
  }
}
