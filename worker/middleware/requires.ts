import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env.ts";
import type { DataAction } from "../../core/domain/rbac/permission.ts";

type ActionSuffix =
  | `${"secrets" | "keys" | "keyrotationpolicies" | "certificates" | "certificatecas" | "certificatecontacts" | "auditevents"}/${string}`
  | "rng/action";

/**
 * Declares what a route is: the data action it needs (Azure's Microsoft.KeyVault/vaults/... names),
 * checked against the caller's role assignments in one place, the vault object; and the operation
 * name its audit record carries (Azure's AuditEvent names: "SecretGet", "KeySign", …). A route
 * without a declaration cannot reach the vault (see ../clients/call-vault.ts).
 */
export function requires(action: ActionSuffix, operation: string) {
  const full: DataAction = `Microsoft.KeyVault/vaults/${action}`;
  return createMiddleware<AppEnv>(async (c, next) => {
    c.set("action", full);
    c.set("operation", operation);
    await next();
  });
}
