import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env.ts";
import { forbiddenByFirewall } from "../../core/domain/vault/firewall-denial.ts";
import { admitsAddress } from "../../core/domain/vault/network-acls.ts";
import { clientIp } from "../clients/call-vault.ts";
import { requestSettingsOf } from "../clients/vault-request-settings.ts";

/**
 * The vault's firewall, decided before the request's body is read (docs/access-control.md "Firewall"): right after
 * the token is verified, so the denial can name the caller as Azure's does. The rule is the one the Worker keeps (at
 * most 30 s old), so this refuses early; the vault object decides again with its current rule, so a kept rule never
 * admits a caller the vault would not.
 */
export const firewall = createMiddleware<AppEnv>(async (c, next) => {
  const { networkAcls } = await requestSettingsOf(c.env, c.get("vault"));
  const address = clientIp(c);
  if (!admitsAddress(networkAcls, address)) throw forbiddenByFirewall(c.get("caller") ?? null, address, c.get("vault"));
  await next();
});
