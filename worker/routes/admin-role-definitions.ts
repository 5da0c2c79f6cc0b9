import { Hono } from "hono";
import type { AppEnv } from "../app-env.ts";
import { adminRoute } from "../middleware/admin-access.ts";
import { tenantStub } from "../clients/tenant-stub.ts";
import { locateVault, vaultStub } from "../clients/vault-stub.ts";
import { unwrap } from "../clients/unwrap.ts";
import { VaultError, badParameter } from "../../core/errors/vault-error.ts";
import type { VaultConfig } from "../../core/domain/vault/vault-config.ts";
import type { StoredRoleDefinition } from "../../durable-objects/storage/role-definition-repository.ts";
import { readJsonObject } from "../wire/json-body.ts";
import { roleNameFilter } from "../wire/hsm-rbac-input.ts";
import { builtInRole, builtInRoleBody, builtInRoles, copyOf, customRoleBody, roleDefinitionGuid, roleDefinitionInput } from "../wire/vault-role-definition.ts";
import { requireTenant } from "./admin-tenants.ts";
import { definition } from "../clients/custom-role-assignment.ts";

/**
 * A tenant's custom role definitions for its vaults (issue 17; docs/access-control.md "Custom roles"), at
 * `/admin/tenants/{t}/roleDefinitions[/{guid}]` in ARM's shape. The tenant object holds them; each vault keeps a copy
 * of those its assignments use, so a change here is told to every vault of the tenant (as a deleted principal is),
 * and each vault waits out the edge cache's leases before answering. Audited by the control plane like every route.
 */
export const adminRoleDefinitionRoutes = new Hono<AppEnv>({ strict: false });

function guidParam(raw: string): string {
  const guid = roleDefinitionGuid(raw);
  if (guid === null) throw badParameter(`The role definition id '${raw}' is not a GUID.`);
  return guid;
}

function assertCustom(guid: string): void {
  const builtIn = builtInRole(guid);
  if (builtIn !== undefined) throw badParameter(`'${builtIn.name}' is a built-in role, which cannot be changed or deleted.`);
}

/** The tenant's vaults (managed HSMs have roles of their own, docs/managed-hsm.md), each called with `f`. */
async function eachVault<T>(env: Env, tenantId: string, f: (vault: VaultConfig) => Promise<T>): Promise<T[]> {
  const names = await tenantStub(env, tenantId).listVaults();
  const found = await Promise.all(names.map((n) => locateVault(env, n)));
  return Promise.all(found.flatMap((v) => (v === null || v.tenantId !== tenantId || v.sku === "managedHSM" ? [] : [f(v)])));
}

adminRoute(adminRoleDefinitionRoutes, "TenantRoleDefinitionList", async (c) => {
  const tenantId = c.req.param("tenantId");
  await requireTenant(c.env, tenantId);
  const wanted = roleNameFilter(c.req.query("$filter"))?.toLowerCase();
  const custom = unwrap(await tenantStub(c.env, tenantId).manageRoleDefinitions({ kind: "list" })) as StoredRoleDefinition[];
  const value = [
    ...builtInRoles().filter((r) => wanted === undefined || r.name.toLowerCase() === wanted).map(builtInRoleBody),
    ...custom.filter((d) => wanted === undefined || d.roleName.toLowerCase() === wanted).map(customRoleBody),
  ];
  return c.json({ value });
});

adminRoute(adminRoleDefinitionRoutes, "TenantRoleDefinitionGet", async (c) => {
  const tenantId = c.req.param("tenantId");
  await requireTenant(c.env, tenantId);
  const guid = guidParam(c.req.param("roleDefinitionId"));
  const builtIn = builtInRole(guid);
  if (builtIn !== undefined) return c.json(builtInRoleBody(builtIn));
  const found = await definition(c.env, tenantId, guid);
  if (found === null) throw new VaultError("RoleDefinitionDoesNotExist", `The specified role definition with ID '${guid}' does not exist.`);
  return c.json(customRoleBody(found));
});

/** Creates or replaces (ARM answers 201 either way); every vault holding a copy replaces it before this answers. */
adminRoute(adminRoleDefinitionRoutes, "TenantRoleDefinitionPut", async (c) => {
  const tenantId = c.req.param("tenantId");
  await requireTenant(c.env, tenantId);
  const guid = guidParam(c.req.param("roleDefinitionId"));
  assertCustom(guid);
  const definition = roleDefinitionInput(await readJsonObject(c));
  const stored = unwrap(await tenantStub(c.env, tenantId).manageRoleDefinitions({ kind: "put", id: guid, definition })) as StoredRoleDefinition;
  await eachVault(c.env, tenantId, (v) => vaultStub(c.env, v).syncCustomRole(copyOf(stored)));
  return c.json(customRoleBody(stored), 201);
});

/**
 * Refused while any vault of the tenant assigns the role (ARM's RoleDefinitionHasAssignments); an assignment made
 * while the deletion ran is removed after it. ARM answers a definition that does not exist with 204.
 */
adminRoute(adminRoleDefinitionRoutes, "TenantRoleDefinitionDelete", async (c) => {
  const tenantId = c.req.param("tenantId");
  await requireTenant(c.env, tenantId);
  const guid = guidParam(c.req.param("roleDefinitionId"));
  assertCustom(guid);
  if ((await definition(c.env, tenantId, guid)) === null) return c.body(null, 204);
  const uses = await eachVault(c.env, tenantId, (v) => vaultStub(c.env, v).customRoleUses(guid));
  if (uses.some((n) => n > 0)) {
    throw new VaultError("RoleDefinitionHasAssignments", "There are existing role assignments referencing role. Remove them before deleting the role definition.");
  }
  const deleted = unwrap(await tenantStub(c.env, tenantId).manageRoleDefinitions({ kind: "delete", id: guid })) as StoredRoleDefinition | null;
  await eachVault(c.env, tenantId, (v) => vaultStub(c.env, v).dropCustomRole(guid));
  return deleted === null ? c.body(null, 204) : c.json(customRoleBody(deleted));
});
