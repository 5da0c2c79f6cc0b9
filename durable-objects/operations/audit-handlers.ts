import { VaultError } from "../../core/errors/vault-error.ts";
import {
  AUDIT_EXPORT_MAX_RESULTS,
  AUDIT_QUERY_MAX_RESULTS,
  type AuditFilter,
  type AuditOp,
  type AuditResults,
} from "../../core/contract/audit.ts";
import type { AuditRecord } from "../../core/domain/vault/audit-record.ts";
import { decodeNameCursor, encodeCursor } from "../../core/domain/objects/paging.ts";
import type { Page, PageRequest } from "../../core/contract/common.ts";
import type { AuditPosition, AuditRepository } from "../storage/audit-repository.ts";
import type { AuditLog } from "./vault-context.ts";

/**
 * Rows one call may examine. A few milliseconds of SQLite work: the vault serves every other request
 * on the same thread, so an auditor's rare-match filter must not stall it (the caller follows `next`).
 */
export const AUDIT_SCAN_LIMIT = 10_000;

type AuditOpOf<K extends AuditOp["kind"]> = Extract<AuditOp, { kind: K }>;
type Handlers = { readonly [K in keyof AuditResults]: (ctx: AuditLog, op: AuditOpOf<K>) => Promise<AuditResults[K]> };

/**
 * The auditors' reads of the vault's audit log. Both are reads only; the record of the request making
 * them is written by the vault object like any other (vault.ts), so auditing is itself audited.
 */
export const auditHandlers: Handlers = {
  async "audit.query"(ctx, op) {
    return auditPage(ctx.audit, op.filter, op.page, AUDIT_QUERY_MAX_RESULTS);
  },

  async "audit.export"(ctx, op) {
    return auditPage(ctx.audit, op.filter, op.page, AUDIT_EXPORT_MAX_RESULTS);
  },
};

/**
 * One page of records, oldest first. The Worker validated the request; the checks here keep the
 * object's own bounds whatever a caller sends (a page is never larger than `maxResults` allows).
 */
export function auditPage(audit: AuditRepository, filter: AuditFilter, page: PageRequest, maxResults: number): Page<AuditRecord> {
  if (!Number.isSafeInteger(page.maxResults) || page.maxResults < 1 || page.maxResults > maxResults) {
    throw new VaultError("BadParameter", `Invalid value for 'maxresults': ${page.maxResults}. It must be an integer between 1 and ${maxResults}.`);
  }
  if (filter.fromMs !== undefined && filter.toMs !== undefined && filter.fromMs >= filter.toMs) {
    throw new VaultError("BadParameter", "The time range is empty: 'from' must be earlier than 'to'.");
  }
  const scan = audit.query(filter, decodePosition(page.skipToken), page.maxResults, AUDIT_SCAN_LIMIT);
  return { items: scan.records, next: scan.next === null ? null : encodePosition(scan.next) };
}

const invalidToken = (): VaultError => new VaultError("BadParameter", "The skip token is not valid.");

/** The position rides in the shared opaque token format (domain/paging.ts) as "time.seq". */
export function encodePosition(position: AuditPosition): string {
  return encodeCursor({ after: `${position.timeMs}.${position.seq}` });
}

export function decodePosition(token: string | undefined): AuditPosition | null {
  if (token === undefined) return null;
  const match = /^(-?\d{1,16})\.(\d{1,16})$/.exec(decodeNameCursor(token));
  if (match === null) throw invalidToken();
  const timeMs = Number(match[1]);
  const seq = Number(match[2]);
  if (!Number.isSafeInteger(timeMs) || !Number.isSafeInteger(seq)) throw invalidToken();
  return { timeMs, seq };
}
