import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env.ts";
import { VaultError } from "../../core/errors/vault-error.ts";
import { vaultRequestPath } from "../wire/vault-path.ts";

/**
 * What a managed HSM serves: the keys API (keys, deleted keys, key operations), `/rng`, its administration (local RBAC
 * under `/providers/…`, settings, backup and restore, security domain), our audit log and our published key sets
 * (`/keys/{name}/jwks`, `/.well-known/…`: it holds keys to publish). Azure's Managed HSM data plane has no secrets or
 * certificates, so those paths are unknown there, as any other path is.
 */
const MANAGED_HSM_PATHS =
  /^\/(keys|deletedkeys|rng|auditlog|\.well-known|providers|settings|backup|restore|prebackup|prerestore|securitydomain)(\/|$)/i;

export const managedHsmScope = createMiddleware<AppEnv>(async (c, next) => {
  if (c.get("vault").sku === "managedHSM" && !MANAGED_HSM_PATHS.test(vaultRequestPath(c.req.raw))) {
    throw new VaultError("NotFound", "The requested resource was not found.");
  }
  await next();
});
