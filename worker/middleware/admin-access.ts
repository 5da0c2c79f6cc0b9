import type { Handler, Hono } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env.ts";
import { VaultError } from "../../core/errors/vault-error.ts";
import { ADMIN_OPERATIONS, auditNameOf, type AdminAccess, type AdminOperationName } from "../wire/control-plane-operations.ts";
import type { AdminCaller } from "../auth/admin-caller.ts";
import { unauthorizedAdmin } from "./admin-auth.ts";

const MAX_AUDITED_ID = 64;

type PathOf<N extends AdminOperationName> = (typeof ADMIN_OPERATIONS)[N]["path"];

/**
 * Registers a control-plane route from its descriptor (wire/control-plane-operations.ts). Access is decided here,
 * once, on the route's own decoded parameters — the very values the handler then acts on — never on the raw URL;
 * and the request's audit record is told the operation and tenant the route resolved to.
 */
export function adminRoute<N extends AdminOperationName>(app: Hono<AppEnv>, name: N, handler: Handler<AppEnv, PathOf<N>>): void {
  const { method, path, access } = ADMIN_OPERATIONS[name];
  const authorize = createMiddleware<AppEnv>(async (c, next) => {
    const params: Record<string, string | undefined> = c.req.param();
    c.set("operation", auditNameOf(name));
    // Bounded as the record written ahead bounds them: the route has not validated them yet.
    if (params.tenantId !== undefined) c.set("auditTenantId", params.tenantId.slice(0, MAX_AUDITED_ID));
    if (params.name !== undefined) c.set("auditVault", params.name.toLowerCase().slice(0, MAX_AUDITED_ID));
    assertAccess(access, c.get("admin"), params.tenantId);
    await next();
  });
  app.on(method, path, authorize, handler);
}

function assertAccess(access: AdminAccess, admin: AdminCaller, tenantId: string | undefined): void {
  if (admin.kind === "operator") return;
  switch (access) {
    case "operator":
      throw new VaultError("Forbidden", "This operation requires the operator key.");
    case "tenant":
      // Exact comparison: the handler addresses the tenant's object by this very string. Another tenant's admin
      // is told what an invalid credential is told, so tenant ids cannot be probed.
      if (tenantId !== admin.tenantId) throw unauthorizedAdmin();
      return;
    case "anyAdmin":
      return;
  }
}
