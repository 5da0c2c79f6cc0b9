import { Hono } from "hono";
import type { AppEnv } from "../app-env.ts";
import { tenantStub } from "../clients/tenant-stub.ts";
import { unwrap } from "../clients/unwrap.ts";
import { vaultStub } from "../clients/vault-stub.ts";
import { forgetRequestSettings } from "../clients/vault-request-settings.ts";
import { adminRoute } from "../middleware/admin-access.ts";
import { VaultError, badParameter } from "../../core/errors/vault-error.ts";
import { readJsonObject } from "../wire/json-body.ts";
import { throttleOverridesInput, vaultSettingsInput } from "../wire/operational-settings-input.ts";
import { throttleUsageJson } from "../wire/throttle-usage.ts";
import { requireTenant } from "./admin-tenants.ts";
import { requireVault } from "./admin-vaults.ts";

/**
 * ARM's enablePurgeProtection after creation: true turns it on for good; false is refused once it is on, with ARM's
 * message (az keyvault update: "cannot be set to false … an irreversible action"). Answers whether to turn it on.
 */
function purgeProtectionInput(value: unknown, current: boolean): boolean {
  if (value === undefined) return false;
  if (typeof value !== "boolean") throw badParameter("enablePurgeProtection must be true or false.");
  if (!value && current) {
    throw badParameter('The property "enablePurgeProtection" cannot be set to false. Enabling the purge protection for a vault is an irreversible action.');
  }
  return value && !current;
}

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
  const { enablePurgeProtection, ...body } = await readJsonObject(c);
  const protect = purgeProtectionInput(enablePurgeProtection, config.purgeProtection);
  const patch = vaultSettingsInput(body, config.tenantId);
  if (patch.throttleLimits !== undefined && c.get("admin").kind !== "operator") {
    throw new VaultError("Forbidden", "Changing throttle limits requires the operator key.");
  }
  const updated = unwrap(await vaultStub(c.env, config).updateOperationalSettings(patch));
  if (protect) unwrap(await vaultStub(c.env, config).enablePurgeProtection());
  forgetRequestSettings(config.name);
  return c.json(updated);
});

/**
 * The vault's use of its limits per 10-second window, the last 60 (docs/portal.md "Throttling"): read from the ring the
 * vault's throttle keeps beside its counters. Like the limits, readable by the tenant's admins and the operator.
 */
adminRoute(adminOperationalSettingsRoutes, "VaultThrottleUsageGet", async (c) => {
  const config = await requireVault(c.env, c.req.param("tenantId"), c.req.param("name"));
  return c.json(throttleUsageJson(await vaultStub(c.env, config).throttleUsage()));
});
