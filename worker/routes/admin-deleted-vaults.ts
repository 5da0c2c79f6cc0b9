import { Hono } from "hono";
import type { AppEnv } from "../app-env.ts";
import { adminRoute } from "../middleware/admin-access.ts";
import { registryStub } from "../clients/tenant-stub.ts";
import { unwrap } from "../clients/unwrap.ts";
import { forgetVault } from "../clients/vault-stub.ts";
import { assertVaultName } from "../wire/vault-name.ts";
import { deletedVaultJson } from "../wire/vault-arm-json.ts";
import { requireTenant } from "./admin-tenants.ts";

/**
 * Soft-deleted vaults (docs/access-control.md "Vault soft delete"), ARM's Microsoft.KeyVault/deletedVaults mapped onto
 * the admin API: `GET …/deletedVaults` (ARM: Vaults – List Deleted, per subscription), `GET …/deletedVaults/{name}`
 * (Vaults – Get Deleted) and `POST …/deletedVaults/{name}/purge` (Vaults – Purge Deleted), the subscription being the
 * tenant and ARM's location segment dropped (a vault name is global). Recovery is ARM's too: PUT the vault with
 * `createMode: "recover"` (admin-vaults.ts). Mounted under /admin.
 */
export const adminDeletedVaultRoutes = new Hono<AppEnv>({ strict: false });

adminRoute(adminDeletedVaultRoutes, "DeletedVaultList", async (c) => {
  const tenantId = c.req.param("tenantId");
  await requireTenant(c.env, tenantId);
  return c.json({ value: (await registryStub(c.env).deletedVaults(tenantId)).map(deletedVaultJson) });
});

adminRoute(adminDeletedVaultRoutes, "DeletedVaultGet", async (c) => {
  const tenantId = c.req.param("tenantId");
  await requireTenant(c.env, tenantId);
  const name = assertVaultName(c.req.param("name"));
  return c.json(deletedVaultJson(unwrap(await registryStub(c.env).deletedVault(name, tenantId))));
});

/**
 * Destroys the deleted vault and everything it held — objects, versions, role assignments, settings, HSM token
 * objects, its data key — and frees its name; refused (403) while purge protection holds. 200 with no body, as ARM's
 * synchronous purge answers.
 */
adminRoute(adminDeletedVaultRoutes, "DeletedVaultPurge", async (c) => {
  const tenantId = c.req.param("tenantId");
  await requireTenant(c.env, tenantId);
  const name = assertVaultName(c.req.param("name"));
  unwrap(await registryStub(c.env).purgeDeletedVault(name, tenantId));
  forgetVault(name);
  return c.body(null, 200);
});

/** Every tenant's deleted vaults: which names are held, by whom, until when (the operator's view). */
adminRoute(adminDeletedVaultRoutes, "OperatorDeletedVaultList", async (c) =>
  c.json({ value: (await registryStub(c.env).deletedVaults(null)).map((d) => ({ ...deletedVaultJson(d), tenantId: d.tenantId })) }),
);
