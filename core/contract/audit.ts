/**
 * The audit log's part of the vault's RPC contract: the auditors' queries (our API; Azure has none). Records come
 * back oldest first, ordered by (time, insertion), one bounded page per call; the Worker formats them.
 */
import type { AuditRecord } from "../domain/vault/audit-record.ts";
import type { ObjectKind } from "../domain/objects/versioned-object.ts";
import type { Page, PageRequest } from "./common.ts";

/** How a request ended, as a filter: any success, any failure, or one exact result code ("Forbidden"). */
export type AuditResultFilter = { readonly outcome: "success" | "failure" } | { readonly resultCode: string };

/** Every field narrows the result; an empty filter matches every record. */
export interface AuditFilter {
  /** Unix milliseconds, inclusive. */
  readonly fromMs?: number;
  /** Unix milliseconds, exclusive. */
  readonly toMs?: number;
  /** Azure's operation name ("SecretGet"); compared ignoring case. */
  readonly operation?: string;
  /** The caller's object id (token `oid`); compared ignoring case, as GUIDs are. */
  readonly callerObjectId?: string;
  readonly objectKind?: ObjectKind;
  /** Object names are case-insensitive in Key Vault, so this is compared ignoring case. */
  readonly objectName?: string;
  readonly result?: AuditResultFilter;
  /** The control-plane log holds every tenant's records; a tenant admin sees only its own. */
  readonly tenantId?: string;
}

/** A query page holds what any Azure list page holds (`maxresults` 1..25). */
export const AUDIT_QUERY_MAX_RESULTS = 25;
/**
 * An export page: JSON Lines for tools, so larger, yet bounded so one response (≈ 400 bytes a record)
 * stays well inside an RPC result and a Worker response; the rest follows by continuation.
 */
export const AUDIT_EXPORT_MAX_RESULTS = 1000;

export type AuditOp =
  | { readonly kind: "audit.query"; readonly filter: AuditFilter; readonly page: PageRequest }
  | { readonly kind: "audit.export"; readonly filter: AuditFilter; readonly page: PageRequest };

/**
 * A page may hold fewer records than asked for, even none, and still have a `next`: each call examines
 * a bounded number of rows (see audit-handlers.ts), so a filter that matches rarely cannot hold the
 * vault's single thread for long.
 */
export interface AuditResults {
  "audit.query": Page<AuditRecord>;
  "audit.export": Page<AuditRecord>;
}
