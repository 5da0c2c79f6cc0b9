import { Hono } from "hono";
import type { AppEnv } from "../app-env.ts";
import { tenantStub } from "../clients/tenant-stub.ts";
import { unwrap } from "../clients/unwrap.ts";
import { vaultStub } from "../clients/vault-stub.ts";
import { forgetRequestSettings } from "../clients/vault-request-settings.ts";
import { adminRoute } from "../middleware/admin-access.ts";
import { VaultError } from "../../core/errors/vault-error.ts";
import { readJsonObject } from "../wire/json-body.ts";
import { throttleOverridesInput, vaultSettingsInput } from "../wire/operational-settings-input.ts";
import { requireTenant } from "./admin-tenants.ts";
import { requireVault } from "./admin-vaults.ts";

/**
 * Throttle tiers and audit retention. Limits are what a SaaS operator sells, so only the operator sets
 * them; a tenant admin may read them and may set its vaults' audit retention.
 */
export const adminOperationalSettingsRoutes = new Hono<AppEnv>({ strict: false });

adminRoute(adminOperationalSettingsRoutes, "TenantThrottleLimitsGet", async (c) => {
  const tenantId = c.req.param("tenantId");
  await requireTenant(c.env, tenantId);
  return c.json(await tenantStub(c.env, tenantId).throttleLimits());
});

adminRoute(adminOperationalSettingsRoutes, "TenantThrottleLimitsSet", async (c) => {
  const tenantId = c.req.param("tenantId");
  await requireTenant(c.env, tenantId);
  const overrides = throttleOverridesInput(await readJsonObject(c));
  return c.json(unwrap(await tenantStub(c.env, tenantId).setThrottleLimits(overrides)));
});

adminRoute(adminOperationalSettingsRoutes, "TenantThrottleLimitsReset", async (c) => {
  const tenantId = c.req.param("tenantId");
  await requireTenant(c.env, tenantId);
  return c.json(unwrap(await tenantStub(c.env, tenantId).setThrottleLimits(null)));
});

adminRoute(adminOperationalSettingsRoutes, "VaultSettingsGet", async (c) => {
  const config = await requireVault(c.env, c.req.param("tenantId"), c.req.param("name"));
  return c.json(await vaultStub(c.env, config).operationalSettings());
});

adminRoute(adminOperationalSettingsRoutes, "VaultSettingsPatch", async (c) => {
  const config = await requireVault(c.env, c.req.param("tenantId"), c.req.param("name"));
  const patch = vaultSettingsInput(await readJsonObject(c), config.tenantId);
  if (patch.throttleLimits !== undefined && c.get("admin").kind !== "operator") {
    throw new VaultError("Forbidden", "Changing throttle limits requires the operator key.");
  }
  const updated = unwrap(await vaultStub(c.env, config).updateOperationalSettings(patch));
  forgetRequestSettings(config.name);
  return c.json(updated);
});
