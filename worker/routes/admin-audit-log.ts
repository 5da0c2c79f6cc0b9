import { Hono, type Context } from "hono";
import type { AppEnv } from "../app-env.ts";
import { registryStub } from "../clients/tenant-stub.ts";
import { unwrap } from "../clients/unwrap.ts";
import { adminRoute } from "../middleware/admin-access.ts";
import { AUDIT_QUERY_MAX_RESULTS, auditEvent, auditNextLink, auditQuery } from "../wire/audit-query.ts";
import { requireTenant } from "./admin-tenants.ts";

/**
 * The control plane's audit log (middleware/control-plane-audit.ts): a tenant admin reads its tenant's
 * records, the operator every record. Same filters, paging and record shape as the vault's /auditlog.
 */
export const adminAuditLogRoutes = new Hono<AppEnv>({ strict: false });

adminRoute(adminAuditLogRoutes, "TenantAuditLogQuery", async (c) => {
  const tenantId = c.req.param("tenantId");
  await requireTenant(c.env, tenantId);
  return auditLogPage(c, tenantId);
});

adminRoute(adminAuditLogRoutes, "ControlPlaneAuditLogQuery", (c) => auditLogPage(c, undefined));

async function auditLogPage(c: Context<AppEnv>, tenantId: string | undefined): Promise<Response> {
  const url = new URL(c.req.url);
  const { filter, page } = auditQuery(url, AUDIT_QUERY_MAX_RESULTS);
  const scoped = tenantId === undefined ? filter : { ...filter, tenantId };
  const result = unwrap(await registryStub(c.env).queryAudit(scoped, page, AUDIT_QUERY_MAX_RESULTS));
  // Control-plane records name no vault objects, so no object ids need a vault host.
  return c.json({
    value: result.items.map((r) => auditEvent(url.origin, r)),
    nextLink: auditNextLink(`${url.origin}${url.pathname}`, url, "", page, result.next),
  });
}
