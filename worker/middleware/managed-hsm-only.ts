import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env.ts";
import { VaultError } from "../../core/errors/vault-error.ts";

/**
 * A managed HSM's own administration (local RBAC, settings, full backup and restore, security domain) exists only on
 * managed HSM hosts: on a vault's host those paths are unknown, as on Azure's.
 */
export const managedHsmOnly = createMiddleware<AppEnv>(async (c, next) => {
  if (c.get("vault").sku !== "managedHSM") throw new VaultError("NotFound", "The requested resource was not found.");
  await next();
});
