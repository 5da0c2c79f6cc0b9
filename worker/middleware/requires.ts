import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env.ts";
import type { DataAction } from "../../durable-objects/domain/permission.ts";

/**
 * Declares the data action a route needs (Azure's Microsoft.KeyVault/vaults/... names). The vault
 * object checks it against the caller's role assignments in one place; a route without a declaration
 * cannot reach the vault (see ../clients/call-vault.ts).
 */
export function requires(action: `${"secrets" | "keys" | "keyrotationpolicies" | "certificates"}/${string}` | "rng/action") {
  const full: DataAction = `Microsoft.KeyVault/vaults/${action}`;
  return createMiddleware<AppEnv>(async (c, next) => {
    c.set("action", full);
    await next();
  });
}
