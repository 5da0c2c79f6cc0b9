import type { Context } from "hono";
import type { PortalEnv } from "./portal-env.ts";
import { adminApi, itemsOf, vaultApi, type ApiAnswer } from "./upstream.ts";

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
/** Pages of 25 read for one view: the log is kept oldest first, and the view shows the newest. */
const MAX_PAGES = 8;
export const SHOWN = 50;

/** The filters of the view's query string, defaulting `from` to the last 24 hours. */
export function auditFilters(query: Record<string, string>): Record<string, string> {
  const filters: Record<string, string> = {};
  for (const name of FILTERS) if (query[name] && query[name] !== "any") filters[name] = query[name];
  filters.from ??= new Date(Date.now() - 24 * 3600_000).toISOString().replace(/\.\d+Z$/, "Z");
  return filters;
}

/** Where the records come from: a vault's data plane, or the tenant's control-plane log. */
export type AuditSource = { vault: string } | { tenant: string };

function readPage(c: Context<PortalEnv>, source: AuditSource, query: Record<string, string>): Promise<ApiAnswer> {
  if ("vault" in source) return vaultApi(c, source.vault, "GET", "/auditlog", undefined, query);
  return adminApi(c, "GET", `/tenants/${source.tenant}/auditLog?${new URLSearchParams(query)}`);
}

/** The newest records matching the filters, newest first, or the API's refusal. */
export async function newestRecords(c: Context<PortalEnv>, source: AuditSource, filters: Record<string, string>): Promise<{ records: AuditEvent[]; error?: string }> {
  const records: AuditEvent[] = [];
  let skiptoken: string | null = null;
  for (let i = 0; i < MAX_PAGES; i++) {
    const answer = await readPage(c, source, { ...filters, maxresults: "25", ...(skiptoken === null ? {} : { $skiptoken: skiptoken }) });
    if (!answer.ok) return { records, error: answer.message };
    records.push(...itemsOf<AuditEvent>(answer));
    const next = (answer.body as { nextLink?: string | null }).nextLink;
    skiptoken = typeof next === "string" ? new URL(next).searchParams.get("$skiptoken") : null;
    if (skiptoken === null) break;
  }
  return { records: records.reverse().slice(0, SHOWN) };
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
