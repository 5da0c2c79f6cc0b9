import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env.ts";
import { describeVault } from "../clients/vault-stub.ts";
import { VaultError } from "../../core/errors/vault-error.ts";
import { hostKindOf, parseVaultHost } from "../../core/domain/vault/vault-host.ts";
import { requestUrl } from "../wire/request-url.ts";

/**
 * Host → vault. An unknown vault is answered here, before any authentication work; so is a managed HSM addressed
 * as a vault or the other way round (each is served at its own host only, as in Azure).
 */
export const resolveVault = createMiddleware<AppEnv>(async (c, next) => {
  const host = parseVaultHost(requestUrl(c.req.raw));
  const vault = host === null ? null : await describeVault(c.env, host.vaultName);
  if (host === null || vault === null || hostKindOf(vault.sku) !== host.kind) throw new VaultError("VaultNotFound", "The vault was not found.");
  c.set("vault", vault);
  c.set("vaultBaseUrl", host.baseUrl);
  c.set("vaultResource", host.resource);
  await next();
});
