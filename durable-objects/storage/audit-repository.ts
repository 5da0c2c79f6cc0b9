import type { AuditFilter } from "../../core/contract/audit.ts";
import { AUDIT_SUCCESS, type AuditRecord } from "../../core/domain/vault/audit-record.ts";
import type { ObjectKind } from "../../core/domain/objects/versioned-object.ts";

type AuditRow = {
  seq: number;
  time_ms: number;
  request_id: string;
  tenant_id: string;
  vault: string;
  caller_object_id: string | null;
  caller_app_id: string | null;
  caller_type: string | null;
  client_ip: string | null;
  operation: string;
  object_kind: ObjectKind | null;
  object_name: string | null;
  object_version: string | null;
  http_status: number;
  result_code: string;
  duration_ms: number;
  result_description: string | null;
};

/**
 * Where a read stopped: the last row's time and seq. The log is read in (time_ms, seq) order because
 * that is the order of the `audit_log_by_time` index (an index ends with the rowid, and seq is the
 * rowid), so ranges, pages and pruning all walk the index without sorting. seq breaks ties between
 * records of the same millisecond and never leaves this layer except inside an opaque token.
 */
export interface AuditPosition {
  readonly timeMs: number;
  readonly seq: number;
}

export interface AuditScan {
  /** Matching records, oldest first. */
  readonly records: AuditRecord[];
  /** Where the next read continues, or null when the range holds nothing more. */
  readonly next: AuditPosition | null;
}

/** A pruning batch that deletes in a few milliseconds (for callers that prune in steps). */
export const AUDIT_PRUNE_BATCH = 5_000;

const COLUMNS =
  "seq, time_ms, request_id, tenant_id, vault, caller_object_id, caller_app_id, caller_type, client_ip, " +
  "operation, object_kind, object_name, object_version, http_status, result_code, duration_ms, result_description";

type Param = string | number;

interface Clause {
  readonly sql: string;
  readonly params: readonly Param[];
}

/** The audit log's rows ⇄ AuditRecord. All SQL for the audit log lives here (docs/decisions.md §2.2). */
export class AuditRepository {
  constructor(private readonly sql: SqlStorage) {}

  /**
   * Appends one record and answers its sequence number. The caller runs it inside the transaction of
   * the operation it describes.
   */
  insert(record: AuditRecord): number {
    return this.sql.exec<{ seq: number }>(
      "INSERT INTO audit_log (time_ms, request_id, tenant_id, vault, caller_object_id, caller_app_id, caller_type, client_ip, " +
        "operation, object_kind, object_name, object_version, http_status, result_code, duration_ms, result_description) " +
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq",
      record.timeMs,
      record.requestId,
      record.tenantId,
      record.vault,
      record.caller?.objectId ?? null,
      record.caller?.appId ?? null,
      record.caller?.type ?? null,
      record.clientIp,
      record.operation,
      record.object?.kind ?? null,
      record.object?.name ?? null,
      record.object?.version ?? null,
      record.httpStatus,
      record.resultCode,
      record.durationMs,
      record.resultDescription ?? null,
    ).one().seq;
  }

  /** Fills in how a request recorded ahead of time (write-ahead, see control-plane-audit-log.ts) ended. */
  complete(seq: number, outcome: Pick<AuditRecord, "tenantId" | "vault" | "operation" | "caller" | "httpStatus" | "resultCode" | "durationMs">): void {
    this.sql.exec(
      "UPDATE audit_log SET tenant_id = ?, vault = ?, operation = ?, caller_object_id = ?, caller_app_id = ?, caller_type = ?, " +
        "http_status = ?, result_code = ?, duration_ms = ? WHERE seq = ?",
      outcome.tenantId,
      outcome.vault,
      outcome.operation,
      outcome.caller?.objectId ?? null,
      outcome.caller?.appId ?? null,
      outcome.caller?.type ?? null,
      outcome.httpStatus,
      outcome.resultCode,
      outcome.durationMs,
      seq,
    );
  }

  /**
   * Up to `limit` records matching `filter` after `after` (from the start when null), oldest first.
   * At most `scanLimit` rows of the time range are examined: when the other filters match rarely, the
   * answer holds fewer records (even none) and `next` points past the rows already examined, so no
   * call's cost grows with the size of the log.
   */
  query(filter: AuditFilter, after: AuditPosition | null, limit: number, scanLimit: number): AuditScan {
    const range = rangeClause(filter, after);
    const rest = otherClause(filter);
    const rows = this.sql
      .exec<AuditRow>(
        `SELECT ${COLUMNS} FROM (SELECT * FROM audit_log WHERE ${range.sql} ORDER BY time_ms, seq LIMIT ?) ` +
          `WHERE ${rest.sql} ORDER BY time_ms, seq LIMIT ?`,
        ...range.params,
        scanLimit,
        ...rest.params,
        limit + 1,
      )
      .toArray();
    if (rows.length > limit) {
      const page = rows.slice(0, limit);
      return { records: page.map(toRecord), next: positionOf(page[page.length - 1]) };
    }
    // Fewer matches than asked for: either the range is exhausted, or the scan budget ran out first.
    // The row at the end of the budget, and whether one follows it, tell which.
    const tail = this.sql
      .exec<Pick<AuditRow, "time_ms" | "seq">>(
        `SELECT time_ms, seq FROM audit_log WHERE ${range.sql} ORDER BY time_ms, seq LIMIT 2 OFFSET ?`,
        ...range.params,
        scanLimit - 1,
      )
      .toArray();
    return { records: rows.map(toRecord), next: tail.length === 2 ? positionOf(tail[0]) : null };
  }

  /**
   * Deletes records older than `timeMs`, oldest first; returns how many. With `maxRows`, at most that
   * many (a batch, so one call never holds the vault for a long delete): when it returns `maxRows`,
   * more may be due, and `oldestTimeMs()` still lies before the cutoff.
   */
  pruneOlderThan(timeMs: number, maxRows?: number): number {
    // Counted first, on the index: rowsWritten would also count index entries, RETURNING would
    // materialise every deleted row.
    if (maxRows === undefined) {
      const n = this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM audit_log WHERE time_ms < ?", timeMs).one().n;
      if (n > 0) this.sql.exec("DELETE FROM audit_log WHERE time_ms < ?", timeMs);
      return n;
    }
    const n = this.sql
      .exec<{ n: number }>("SELECT COUNT(*) AS n FROM (SELECT 1 FROM audit_log WHERE time_ms < ? LIMIT ?)", timeMs, maxRows)
      .one().n;
    if (n > 0) {
      this.sql.exec(
        "DELETE FROM audit_log WHERE seq IN (SELECT seq FROM audit_log WHERE time_ms < ? ORDER BY time_ms, seq LIMIT ?)",
        timeMs,
        maxRows,
      );
    }
    return n;
  }

  /** The oldest record's time (Unix ms), for scheduling the next prune; null when the log is empty. */
  oldestTimeMs(): number | null {
    return this.sql.exec<{ t: number | null }>("SELECT MIN(time_ms) AS t FROM audit_log").one().t;
  }
}

/** The conditions the time index serves: the requested range and the continuation point. */
function rangeClause(filter: AuditFilter, after: AuditPosition | null): Clause {
  const parts: string[] = ["1 = 1"];
  const params: Param[] = [];
  if (filter.fromMs !== undefined) {
    parts.push("time_ms >= ?");
    params.push(filter.fromMs);
  }
  if (filter.toMs !== undefined) {
    parts.push("time_ms < ?");
    params.push(filter.toMs);
  }
  if (after !== null) {
    // Written as a bound on time_ms plus a tie-break, so the planner sees an index range.
    parts.push("time_ms >= ? AND (time_ms > ? OR seq > ?)");
    params.push(after.timeMs, after.timeMs, after.seq);
  }
  return { sql: parts.join(" AND "), params };
}

/** The conditions checked row by row within the scanned range. */
function otherClause(filter: AuditFilter): Clause {
  const parts: string[] = ["1 = 1"];
  const params: Param[] = [];
  const add = (sql: string, value: Param) => {
    parts.push(sql);
    params.push(value);
  };
  if (filter.tenantId !== undefined) add("tenant_id = ? COLLATE NOCASE", filter.tenantId);
  if (filter.operation !== undefined) add("operation = ? COLLATE NOCASE", filter.operation);
  if (filter.callerObjectId !== undefined) add("caller_object_id = ? COLLATE NOCASE", filter.callerObjectId);
  if (filter.objectKind !== undefined) add("object_kind = ?", filter.objectKind);
  // Object names are ASCII (0-9a-zA-Z-), which is exactly what NOCASE folds.
  if (filter.objectName !== undefined) add("object_name = ? COLLATE NOCASE", filter.objectName);
  const result = filter.result;
  if (result !== undefined) {
    if ("resultCode" in result) add("result_code = ?", result.resultCode);
    else add(result.outcome === "success" ? "result_code = ?" : "result_code <> ?", AUDIT_SUCCESS);
  }
  return { sql: parts.join(" AND "), params };
}

function positionOf(row: Pick<AuditRow, "time_ms" | "seq"> | undefined): AuditPosition | null {
  return row === undefined ? null : { timeMs: row.time_ms, seq: row.seq };
}

function toRecord(row: AuditRow): AuditRecord {
  return {
    timeMs: row.time_ms,
    requestId: row.request_id,
    tenantId: row.tenant_id,
    vault: row.vault,
    caller:
      row.caller_object_id === null
        ? null
        : { objectId: row.caller_object_id, appId: row.caller_app_id ?? "", type: row.caller_type ?? "" },
    clientIp: row.client_ip,
    operation: row.operation,
    object:
      row.object_kind === null || row.object_name === null
        ? null
        : { kind: row.object_kind, name: row.object_name, version: row.object_version },
    httpStatus: row.http_status,
    resultCode: row.result_code,
    durationMs: row.duration_ms,
    ...(row.result_description === null ? {} : { resultDescription: row.result_description }),
  };
}
