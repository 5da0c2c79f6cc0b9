import type { Context } from "hono";
import type { PortalEnv } from "./portal-env.ts";
import { adminApi, itemsOf, vaultApi, type ApiAnswer } from "./upstream.ts";
import { nextPageToken, pageQuery } from "./list-pages.tsx";

/** One audit event as the vault's /auditlog and the admin API's auditLog give it (worker/wire/audit-query.ts). */
export interface AuditEvent {
  time: string;
  operationName: string;
  requestId: string;
  resultCode: string;
  httpStatusCode?: number;
  vaultName?: string | null;
  identity?: { claim?: { oid?: string; appid?: string; upn?: string } } | null;
  object?: { type: string; name: string; version?: string | null } | null;
}

export const FILTERS = ["from", "to", "operation", "caller", "objectType", "objectName", "result"] as const;
/** Pages of 25 the live tail reads at most per poll (it asks only for records since the page was loaded). */
const TAIL_PAGES = 8;

/** The filters of the view's query string, defaulting `from` to the last 24 hours. */
export function auditFilters(query: Record<string, string>): Record<string, string> {
  const filters: Record<string, string> = {};
  for (const name of FILTERS) if (query[name] && query[name] !== "any") filters[name] = query[name];
  filters.from ??= new Date(Date.now() - 24 * 3600_000).toISOString().replace(/\.\d+Z$/, "Z");
  return filters;
}

/** Where the records come from: a vault's data plane, or the tenant's control-plane log. */
export type AuditSource = { vault: string } | { tenant: string };

/** One page of the log (oldest first, as the API keeps it): the filters, the page size and any continuation. */
export function readAuditPage(c: Context<PortalEnv>, source: AuditSource, query: Record<string, string>): Promise<ApiAnswer> {
  if ("vault" in source) return vaultApi(c, source.vault, "GET", "/auditlog", undefined, query);
  return adminApi(c, "GET", `/tenants/${source.tenant}/auditLog?${new URLSearchParams(query)}`);
}

/** The live tail's records: every page matching the filters (since the page was loaded), oldest first. */
export async function tailRecords(c: Context<PortalEnv>, source: AuditSource, filters: Record<string, string>): Promise<AuditEvent[]> {
  const records: AuditEvent[] = [];
  let token: string | null = null;
  for (let i = 0; i < TAIL_PAGES; i++) {
    const answer = await readAuditPage(c, source, { ...filters, maxresults: "25", ...pageQuery(token ?? undefined) });
    records.push(...itemsOf<AuditEvent>(answer));
    token = nextPageToken(answer);
    if (token === null) break;
  }
  return records;
}

/** A record's table cells (the live tail builds the same cells in the page's script). */
export const auditCells = (r: AuditEvent): string[] => [
  r.time,
  r.operationName,
  r.resultCode,
  r.identity?.claim?.upn ?? r.identity?.claim?.oid ?? "",
  r.object === null || r.object === undefined ? (r.vaultName ?? "") : `${r.object.type} ${r.object.name}`,
];

export const auditRecordId = (r: AuditEvent): string => `${r.requestId}:${r.operationName}:${r.time}`;
