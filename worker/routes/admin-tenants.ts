import { Hono } from "hono";
import type { AppEnv } from "../app-env.ts";
import { registryStub, tenantStub } from "../clients/tenant-stub.ts";
import { unwrap } from "../clients/unwrap.ts";
import { locateVault, vaultStub } from "../clients/vault-stub.ts";
import { adminResource } from "../middleware/admin-auth.ts";
import { adminRoute } from "../middleware/admin-access.ts";
import type { Principal, PrincipalType } from "../../core/domain/identity/principal.ts";
import { VaultError, badParameter } from "../../core/errors/vault-error.ts";
import { optionalString } from "../wire/assertions.ts";
import { readJsonObject } from "../wire/json-body.ts";
import { UUID } from "../wire/oauth.ts";

/** Control plane: tenants and their principals. Mounted under /admin behind adminAuth. */
export const adminTenantRoutes = new Hono<AppEnv>({ strict: false });

const MAX_DISPLAY_NAME = 256;

export async function requireTenant(env: Env, tenantId: string) {
  const tenant = UUID.test(tenantId) ? await tenantStub(env, tenantId).describe() : null;
  if (tenant === null) throw new VaultError("TenantNotFound", `Tenant ${tenantId} was not found.`);
  return tenant;
}

const principalJson = (p: Principal) => ({
  id: p.id,
  appId: p.appId,
  type: p.type,
  displayName: p.displayName,
  tenantAdmin: p.tenantAdmin,
  created: p.created,
});

adminRoute(adminTenantRoutes, "TenantCreate", async (c) => {
  const body = await readJsonObject(c);
  const displayName = optionalString(body, "displayName", MAX_DISPLAY_NAME) ?? "tenant";
  const tenant = await registryStub(c.env).addTenant(displayName);
  unwrap(await tenantStub(c.env, tenant.id).create(tenant));
  c.set("auditTenantId", tenant.id);
  return c.json(tenant, 201);
});

adminRoute(adminTenantRoutes, "TenantList", async (c) => c.json({ value: await registryStub(c.env).listTenants() }));

adminRoute(adminTenantRoutes, "TenantGet", async (c) => c.json(await requireTenant(c.env, c.req.param("tenantId"))));

adminRoute(adminTenantRoutes, "TenantDelete", async (c) => {
  const tenantId = c.req.param("tenantId");
  await requireTenant(c.env, tenantId);
  unwrap(await registryStub(c.env).removeTenant(tenantId));
  await tenantStub(c.env, tenantId).destroy();
  return c.body(null, 204);
});

adminRoute(adminTenantRoutes, "PrincipalCreate", async (c) => {
  const tenantId = c.req.param("tenantId");
  await requireTenant(c.env, tenantId);
  const body = await readJsonObject(c);
  const type = body.type;
  if (type !== "servicePrincipal" && type !== "managedIdentity") {
    throw badParameter("The parameter 'type' must be 'servicePrincipal' or 'managedIdentity'.");
  }
  const tenantAdmin = body.tenantAdmin ?? false;
  if (typeof tenantAdmin !== "boolean") throw badParameter("The parameter 'tenantAdmin' must be a boolean.");
  const displayName = optionalString(body, "displayName", MAX_DISPLAY_NAME) ?? type;
  const created = unwrap(await tenantStub(c.env, tenantId).createPrincipal(type as PrincipalType, displayName, tenantAdmin));
  const credentialField = type === "managedIdentity" ? "identityHeader" : "clientSecret";
  return c.json({ ...principalJson(created.principal), [credentialField]: created.credential, adminResource: adminResource(c.env) }, 201);
});

adminRoute(adminTenantRoutes, "PrincipalList", async (c) => {
  const tenantId = c.req.param("tenantId");
  await requireTenant(c.env, tenantId);
  return c.json({ value: (await tenantStub(c.env, tenantId).listPrincipals()).map(principalJson) });
});

adminRoute(adminTenantRoutes, "PrincipalGet", async (c) => {
  const tenantId = c.req.param("tenantId");
  await requireTenant(c.env, tenantId);
  const principal = await tenantStub(c.env, tenantId).getPrincipal(c.req.param("principalId"));
  if (principal === null) throw new VaultError("PrincipalNotFound", "The principal was not found.");
  return c.json(principalJson(principal));
});

/** Deleting a principal revokes its role assignments in every vault of the tenant. */
adminRoute(adminTenantRoutes, "PrincipalDelete", async (c) => {
  const tenantId = c.req.param("tenantId");
  const principalId = c.req.param("principalId");
  await requireTenant(c.env, tenantId);
  const vaults = unwrap(await tenantStub(c.env, tenantId).deletePrincipal(principalId));
  // Each vault where it is placed (docs/placement.md): a jurisdiction vault's name alone reaches only its pointer.
  await Promise.all(
    vaults.map(async (name) => {
      const vault = await locateVault(c.env, name);
      if (vault !== null) await vaultStub(c.env, vault).removePrincipal(principalId);
    }),
  );
  return c.body(null, 204);
});

adminRoute(adminTenantRoutes, "LocalDefaultIdentitySet", async (c) => {
  if (c.env.LOCAL_IMDS !== "true") throw badParameter("The local default identity is available only when LOCAL_IMDS is true.");
  const body = await readJsonObject(c);
  const tenantId = typeof body.tenantId === "string" ? body.tenantId : "";
  const principalId = typeof body.principalId === "string" ? body.principalId : "";
  await requireTenant(c.env, tenantId);
  const principal = await tenantStub(c.env, tenantId).getPrincipal(principalId);
  if (principal === null || principal.type !== "managedIdentity") {
    throw new VaultError("PrincipalNotFound", "The managed identity was not found in the tenant.");
  }
  await registryStub(c.env).setLocalDefaultIdentity({ tenantId, principalId });
  return c.json({ tenantId, principalId });
});
