import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env.ts";
import type { AuditCaller } from "../../core/domain/vault/audit-record.ts";
import { AUDIT_SUCCESS } from "../../core/domain/vault/audit-record.ts";
import { clientIp } from "../clients/call-vault.ts";
import { registryStub } from "../clients/tenant-stub.ts";
import { unwrap } from "../clients/unwrap.ts";
import { controlPlaneOperation, controlPlaneTarget } from "../wire/control-plane-operations.ts";
import { errorCodeOf } from "../errors/error-code-of.ts";
import type { AdminCaller } from "../auth/admin-caller.ts";

/** The operator has no directory identity; its records name it so. */
const OPERATOR: AuditCaller = { objectId: "operator", appId: "operator", type: "Operator" };

/**
 * One audit record per control-plane request, written ahead: the record is stored (as Pending) before
 * authentication and the route run, so a request that cannot be recorded is refused, and completed with
 * the caller and outcome afterwards. The changes a control-plane request makes span Durable Objects
 * (registry, tenant, vault), so no single transaction could hold them and their record; write-ahead is
 * how the control plane fails closed.
 */
export const controlPlaneAudit = createMiddleware<AppEnv>(async (c, next) => {
  const receivedAtMs = Date.now();
  // The path is canonical here (worker/index.ts), so this reads it as the router does.
  const path = new URL(c.req.url).pathname.replace(/^\/admin/, "");
  const target = controlPlaneTarget(path);
  const ahead = { tenantId: target.tenantId ?? "", vault: target.vault ?? "", operation: controlPlaneOperation(c.req.method, path) };
  const registry = registryStub(c.env);
  const seq = unwrap(await registry.beginAuditRecord({
    requestId: c.get("requestId"),
    ...ahead,
    caller: null,
    clientIp: clientIp(c),
    object: null,
  }));
  await next();
  const response = c.res;
  // What the route resolved to wins over the reading ahead: the record names the tenant and operation acted on.
  await registry.completeAuditRecord(seq, {
    tenantId: c.get("auditTenantId") ?? ahead.tenantId,
    vault: c.get("auditVault") ?? ahead.vault,
    operation: c.get("operation") ?? ahead.operation,
    caller: auditCaller(c.get("admin")),
    httpStatus: response.status,
    resultCode: response.status < 400 ? AUDIT_SUCCESS : await errorCodeOf(response),
    durationMs: Date.now() - receivedAtMs,
  });
});

function auditCaller(admin: AdminCaller | undefined): AuditCaller | null {
  if (admin === undefined) return null;
  return admin.kind === "operator" ? OPERATOR : { objectId: admin.objectId, appId: admin.appId, type: "TenantAdmin" };
}
