import { Hono } from "hono";
import type { AppEnv } from "../app-env.ts";
import { callVault } from "../clients/call-vault.ts";
import { operation } from "../middleware/operation.ts";
import {
  AUDIT_EXPORT_MAX_RESULTS,
  AUDIT_QUERY_MAX_RESULTS,
  auditJsonLines,
  auditListBody,
  auditNextLink,
  auditQuery,
} from "../wire/audit-query.ts";

/**
 * The vault's audit log for its auditors (filters and record shape in wire/audit-query.ts).
 * Not an Azure data-plane API — Azure ships these records to Azure Monitor — so the paths, the action and
 * the operation names (AuditLogQuery, AuditLogExport) are ours. Reading the log is itself audited.
 */
export const auditLogRoutes = new Hono<AppEnv>({ strict: false });

auditLogRoutes.get("/auditlog", operation("audit.query"), async (c) => {
  const url = new URL(c.req.url);
  const { filter, page } = auditQuery(url, AUDIT_QUERY_MAX_RESULTS);
  const result = await callVault(c, { kind: "audit.query", filter, page });
  return c.json(auditListBody(result, c.get("vaultBaseUrl"), url, c.get("apiVersion"), page));
});

/** JSON Lines, one bounded page per response; the next page's URL is in the Link header (RFC 8288). */
auditLogRoutes.get("/auditlog/export", operation("audit.export"), async (c) => {
  const url = new URL(c.req.url);
  const { filter, page } = auditQuery(url, AUDIT_EXPORT_MAX_RESULTS);
  const result = await callVault(c, { kind: "audit.export", filter, page });
  const base = c.get("vaultBaseUrl");
  const next = auditNextLink(`${base}/auditlog/export`, url, c.get("apiVersion"), page, result.next);
  return c.body(auditJsonLines(result.items, base), 200, {
    "Content-Type": "application/x-ndjson; charset=utf-8",
    ...(next === null ? {} : { Link: `<${next}>; rel="next"` }),
  });
});
