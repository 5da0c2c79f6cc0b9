import { Hono } from "hono";
import { hsmBridgeConfigured } from "../../core/hsm/hsm-bridge.ts";
import type { AppEnv } from "../app-env.ts";
import { adminRoute } from "../middleware/admin-access.ts";
import { registryStub, tenantStub } from "../clients/tenant-stub.ts";
import { unwrap } from "../clients/unwrap.ts";
import {
  assertJurisdictionAvailable,
  dropVaultPointer,
  forgetVault,
  locateVault,
  pointToVault,
  vaultStub,
} from "../clients/vault-stub.ts";
import { roleDefinitionPath, BUILT_IN_ROLES } from "../../core/domain/rbac/built-in-roles.ts";
import type { RoleAssignment } from "../../core/domain/rbac/role-assignment.ts";
import {
  RETENTION_DEFAULT_DAYS,
  RETENTION_MAX_DAYS,
  RETENTION_MIN_DAYS,
  holdsHsmKeys,
  isVaultSku,
  type VaultConfig,
  type VaultSku,
} from "../../core/domain/vault/vault-config.ts";
import { toUnixSeconds } from "../../core/domain/clock.ts";
import type { VaultPlacement } from "../../core/domain/vault/placement.ts";
import type { VaultSettings } from "../../core/contract/vault.ts";
import type { VaultOperationalSettings, VaultSettingsPatch } from "../../core/domain/vault/vault-operational-settings.ts";
import { createModeInput, vaultAccessInput, vaultAccessJson } from "../wire/vault-arm-json.ts";
import { recoverVault, softDeleteVault } from "../clients/vault-soft-delete.ts";
import type { Result } from "../../core/errors/result.ts";
import { VaultError, badParameter } from "../../core/errors/vault-error.ts";
import { readJsonObject } from "../wire/json-body.ts";
import { placementInput, placementJson } from "../wire/placement-input.ts";
import { UUID } from "../wire/oauth.ts";
import { assertVaultName } from "../wire/vault-name.ts";
import { vaultUri } from "../../core/domain/vault/vault-host.ts";
import { requireTenant } from "./admin-tenants.ts";
import { HSM_ADMINISTRATOR, initialAdministrators, requirePrincipal } from "./admin-principal-checks.ts";
import { adminRoleFor, adminRoleOf, assignmentScope } from "../wire/admin-role-ref.ts";
import { assertTenantPoliciesAllowVault, registerVaultWithTenant } from "../clients/policy-push.ts";
import { assertAssignable, assignCustomRole, customRoleNames, tenantCustomRole } from "../clients/custom-role-assignment.ts";

/** Control plane: a tenant's vaults and the role assignments at vault scope. Mounted under /admin. */
export const adminVaultRoutes = new Hono<AppEnv>({ strict: false });

const vaultJson = (env: Env, v: VaultConfig, settings: VaultOperationalSettings) => ({
  name: v.name,
  tenantId: v.tenantId,
  softDeleteRetentionInDays: v.retentionDays,
  enablePurgeProtection: v.purgeProtection,
  sku: v.sku,
  dataKeyProtection: v.dataKeyProtection ?? "rootKey",
  placement: placementJson(v.placement),
  vaultUri: vaultUri(env.ISSUER_ORIGIN, v.name, v.sku),
  created: v.created,
  // ARM's access settings (issue 17, "Shapes"); PATCH …/settings changes them.
  ...vaultAccessJson(settings),
});

/** A vault as GET, list and PUT answer it: its configuration and, from its object, its access settings. */
export async function vaultView(env: Env, config: VaultConfig) {
  return vaultJson(env, config, await vaultStub(env, config).operationalSettings());
}

const assignmentJson = (a: RoleAssignment) => {
  const role = adminRoleOf(a.roleDefinitionId);
  return {
    id: a.id,
    roleDefinitionId: role.path,
    roleDefinitionName: role.name,
    principalId: a.principalId,
    scope: a.scope,
    created: a.created,
  };
};

export async function requireVault(env: Env, tenantId: string, name: string): Promise<VaultConfig> {
  await requireTenant(env, tenantId);
  const config = await locateVault(env, assertVaultName(name));
  // Another tenant's vault is reported exactly like a missing one.
  if (config === null || config.tenantId !== tenantId) throw new VaultError("VaultNotFound", `The vault '${name}' was not found.`);
  return config;
}

function retentionDays(value: unknown): number {
  if (value === undefined || value === null) return RETENTION_DEFAULT_DAYS;
  if (typeof value !== "number" || !Number.isInteger(value) || value < RETENTION_MIN_DAYS || value > RETENTION_MAX_DAYS) {
    throw badParameter(`softDeleteRetentionInDays must be an integer from ${RETENTION_MIN_DAYS} to ${RETENTION_MAX_DAYS}.`);
  }
  return value;
}

adminRoute(adminVaultRoutes, "RoleDefinitionList", (c) =>
  c.json({ value: BUILT_IN_ROLES.map((r) => ({ id: roleDefinitionPath(r), name: r.id, roleName: r.name, dataActions: r.dataActions })) }),
);

/**
 * `"standard"` (default) or `"premium"` as in Azure Key Vault, or `"managedHSM"`: HSM keys only, at
 * `{name}.managedhsm.{domain}`, which needs the bridge from the start (it could hold nothing without one).
 */
function vaultSku(value: unknown, hsmBridge: boolean): VaultSku {
  const sku = value ?? "standard";
  if (!isVaultSku(sku)) throw badParameter("sku must be 'standard', 'premium' or 'managedHSM'.");
  if (sku === "managedHSM" && !hsmBridge) throw badParameter("A managed HSM needs the PKCS#11 bridge, which is not configured.");
  return sku;
}

/**
 * `"rootKey"` (default): the data key is wrapped by the root key. `"hsm"`: by an AES key in the HSM inside that
 * (premium vaults and managed HSMs, where the deployment has a bridge); checked here so a refused vault reserves
 * no name.
 */
function dataKeyProtection(value: unknown, sku: VaultSku, hsmBridge: boolean): { dataKeyProtection?: "hsm" } {
  if (value === undefined || value === null || value === "rootKey") return {};
  if (value !== "hsm") throw badParameter("dataKeyProtection must be 'rootKey' or 'hsm'.");
  if (!holdsHsmKeys(sku)) throw badParameter("Only premium vaults and managed HSMs can protect their data key with the HSM.");
  if (!hsmBridge) throw badParameter("HSM data key protection needs the PKCS#11 bridge, which is not configured.");
  return { dataKeyProtection: "hsm" };
}

/**
 * Makes the vault where its placement says (docs/placement.md). A jurisdiction vault's pointer is written first, so
 * the vault can be found the moment it exists, and goes again if the vault is not made (were that lost, a pointer to
 * an object holding no vault reads as "not found", and the name's next vault replaces or voids it).
 */
async function makeVault(
  env: Env,
  settings: VaultSettings & { readonly placement?: VaultPlacement },
  initial: VaultSettingsPatch,
): Promise<Result<VaultConfig>> {
  const { placement } = settings;
  if (placement?.jurisdiction === undefined) return vaultStub(env, settings).create(settings, initial);
  const key = settings.name.toLowerCase();
  await pointToVault(env, key, placement);
  const created = await vaultStub(env, settings)
    .create(settings, initial)
    .catch(async (err: unknown) => {
      await dropVaultPointer(env, key).catch(() => undefined);
      throw err;
    });
  if (!created.ok) await dropVaultPointer(env, key);
  return created;
}

adminRoute(adminVaultRoutes, "VaultPut", async (c) => {
  const tenantId = c.req.param("tenantId");
  const name = assertVaultName(c.req.param("name"));
  await requireTenant(c.env, tenantId);
  const body = await readJsonObject(c);
  // ARM recovers a soft-deleted vault by PUT with createMode "recover"; the rest of the body is not read then.
  if (createModeInput(body.createMode) === "recover") return c.json(await vaultView(c.env, await recoverVault(c.env, tenantId, name)), 200);
  const purgeProtection = body.enablePurgeProtection ?? false;
  if (typeof purgeProtection !== "boolean") throw badParameter("enablePurgeProtection must be a boolean.");
  const sku = vaultSku(body.sku, hsmBridgeConfigured(c.env));
  const placement = placementInput(body.placement);
  assertJurisdictionAvailable(c.env, placement?.jurisdiction);
  const access = vaultAccessInput(body, tenantId);
  const initialAdmins = await initialAdministrators(c.env, tenantId, sku, body.initialAdminObjectIds, c.get("admin"));
  const settings = {
    name,
    tenantId,
    retentionDays: retentionDays(body.softDeleteRetentionInDays),
    purgeProtection,
    sku,
    ...dataKeyProtection(body.dataKeyProtection, sku, hsmBridgeConfigured(c.env)),
    ...(placement === undefined ? {} : { placement }),
  } as const;

  await assertTenantPoliciesAllowVault(c.env, tenantId, name, access.networkAcls);
  const registry = registryStub(c.env);
  unwrap(await registry.reserveVaultName(name, tenantId));
  // The reservation is released on any failure, so a name is never left held by a vault that does not exist.
  const created = await makeVault(c.env, settings, access).catch(async (err: unknown) => {
    await registry.releaseVaultName(name);
    throw err;
  });
  if (!created.ok) await registry.releaseVaultName(name);
  const config = unwrap(created);
  // Whatever this isolate still held about an earlier vault of the name is void.
  forgetVault(name);
  // Registered with its tenant, whose policy assignments apply to it from the start (docs/vault-policies.md).
  await registerVaultWithTenant(c.env, tenantId, config);
  for (const principalId of initialAdmins) {
    const id = crypto.randomUUID();
    await vaultStub(c.env, config).putRoleAssignment({ id, principalId, roleDefinitionId: HSM_ADMINISTRATOR, scope: "/", created: toUnixSeconds(Date.now()) });
  }
  return c.json(await vaultView(c.env, config), 201);
});

adminRoute(adminVaultRoutes, "VaultList", async (c) => {
  const tenantId = c.req.param("tenantId");
  await requireTenant(c.env, tenantId);
  const names = await tenantStub(c.env, tenantId).listVaults();
  const configs = await Promise.all(names.map((n) => locateVault(c.env, n)));
  const live = configs.filter((v): v is VaultConfig => v !== null && v.tenantId === tenantId);
  return c.json({ value: await Promise.all(live.map((v) => vaultView(c.env, v))) });
});

adminRoute(adminVaultRoutes, "VaultGet", async (c) =>
  c.json(await vaultView(c.env, await requireVault(c.env, c.req.param("tenantId"), c.req.param("name")))),
);

/**
 * Deleting a vault soft-deletes it, as Azure always does (docs/access-control.md "Vault soft delete"): it answers as
 * a vault that does not exist, keeps everything for its retention, and its name stays reserved in every tenant until
 * it is recovered (PUT with createMode "recover") or purged (…/deletedVaults/{name}/purge, or the registry's alarm).
 */
adminRoute(adminVaultRoutes, "VaultDelete", async (c) => {
  const config = await requireVault(c.env, c.req.param("tenantId"), c.req.param("name"));
  await softDeleteVault(c.env, config);
  return c.body(null, 204);
});

adminRoute(adminVaultRoutes, "RoleAssignmentList", async (c) => {
  const tenantId = c.req.param("tenantId");
  const config = await requireVault(c.env, tenantId, c.req.param("name"));
  const assignments = await vaultStub(c.env, config).listRoleAssignments();
  const names = await customRoleNames(c.env, tenantId, assignments);
  return c.json({ value: assignments.map((a) => ({ ...assignmentJson(a), ...names.get(a.roleDefinitionId) })) });
});

adminRoute(adminVaultRoutes, "RoleAssignmentPut", async (c) => {
  const tenantId = c.req.param("tenantId");
  const config = await requireVault(c.env, tenantId, c.req.param("name"));
  const id = c.req.param("assignmentId").toLowerCase();
  if (!UUID.test(id)) throw badParameter("The role assignment id must be a GUID.");
  const body = await readJsonObject(c);
  const ref = typeof body.roleDefinitionId === "string" ? body.roleDefinitionId : body.roleDefinitionName;
  // A tenant's custom role, where a built-in one is not named (docs/access-control.md "Custom roles").
  const custom = config.sku === "managedHSM" ? null : await tenantCustomRole(c.env, tenantId, ref);
  const role = custom ?? adminRoleFor(config.sku, ref);
  const principalId = typeof body.principalId === "string" ? body.principalId : "";
  await requirePrincipal(c.env, tenantId, principalId);
  const scope = assignmentScope(config.sku, body.scope);
  const assignment: RoleAssignment = { id, principalId, roleDefinitionId: role.id, scope, created: toUnixSeconds(Date.now()) };
  if (custom === null) return c.json(assignmentJson(await vaultStub(c.env, config).putRoleAssignment(assignment)), 201);
  assertAssignable(custom.definition, config.name, scope);
  const put = await assignCustomRole(c.env, config, assignment, custom.definition);
  return c.json({ ...assignmentJson(put), roleDefinitionId: `/providers/Microsoft.Authorization/roleDefinitions/${custom.id}`, roleDefinitionName: custom.name }, 201);
});

adminRoute(adminVaultRoutes, "RoleAssignmentDelete", async (c) => {
  const config = await requireVault(c.env, c.req.param("tenantId"), c.req.param("name"));
  const deleted = await vaultStub(c.env, config).deleteRoleAssignment(c.req.param("assignmentId").toLowerCase());
  if (!deleted) throw new VaultError("RoleAssignmentNotFound", "The role assignment was not found.");
  return c.body(null, 204);
});
