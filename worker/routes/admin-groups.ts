import { Hono } from "hono";
import type { AppEnv } from "../app-env.ts";
import { locateVault } from "../clients/vault-stub.ts";
import { tenantStub } from "../clients/tenant-stub.ts";
import { unwrap } from "../clients/unwrap.ts";
import { vaultStub } from "../clients/vault-stub.ts";
import { adminRoute } from "../middleware/admin-access.ts";
import { badParameter } from "../../core/errors/vault-error.ts";
import { readJsonObject } from "../wire/json-body.ts";
import { UUID } from "../wire/oauth.ts";
import { requireTenant } from "./admin-tenants.ts";

/**
 * A tenant's groups (issue 17; docs/access-control.md "Groups"): made with an id of the caller's choosing (a GUID,
 * as Entra's object ids), members added and removed by principal id. A role assigned to a group (the vault role
 * assignment routes take a group id as `principalId`) applies to its members through their tokens' `groups` claim.
 * Deleting a group removes its role assignments from every vault of the tenant, as deleting a principal does.
 */
export const adminGroupRoutes = new Hono<AppEnv>({ strict: false });

const MAX_DISPLAY_NAME = 256;

function groupId(raw: string): string {
  const id = raw.toLowerCase();
  if (!UUID.test(id)) throw badParameter("A group id is a GUID.");
  return id;
}

adminRoute(adminGroupRoutes, "GroupCreate", async (c) => {
  const tenantId = c.req.param("tenantId");
  await requireTenant(c.env, tenantId);
  const body = await readJsonObject(c);
  const displayName = body.displayName;
  if (typeof displayName !== "string" || displayName === "" || displayName.length > MAX_DISPLAY_NAME) {
    throw badParameter(`displayName must be a string of 1 to ${MAX_DISPLAY_NAME} characters.`);
  }
  const id = body.id === undefined ? crypto.randomUUID() : groupId(String(body.id));
  return c.json(unwrap(await tenantStub(c.env, tenantId).manageGroups({ kind: "create", id, displayName })), 201);
});

adminRoute(adminGroupRoutes, "GroupList", async (c) => {
  const tenantId = c.req.param("tenantId");
  await requireTenant(c.env, tenantId);
  return c.json({ value: unwrap(await tenantStub(c.env, tenantId).manageGroups({ kind: "list" })) });
});

adminRoute(adminGroupRoutes, "GroupGet", async (c) => {
  const tenantId = c.req.param("tenantId");
  await requireTenant(c.env, tenantId);
  return c.json(unwrap(await tenantStub(c.env, tenantId).manageGroups({ kind: "get", id: groupId(c.req.param("groupId")) })));
});

adminRoute(adminGroupRoutes, "GroupDelete", async (c) => {
  const tenantId = c.req.param("tenantId");
  await requireTenant(c.env, tenantId);
  const id = groupId(c.req.param("groupId"));
  const tenant = tenantStub(c.env, tenantId);
  unwrap(await tenant.manageGroups({ kind: "delete", id }));
  const vaults = await tenant.listVaults();
  await Promise.all(
    vaults.map(async (name) => {
      const vault = await locateVault(c.env, name);
      if (vault !== null) await vaultStub(c.env, vault).removePrincipal(id);
    }),
  );
  return c.body(null, 204);
});

adminRoute(adminGroupRoutes, "GroupMemberAdd", async (c) => {
  const tenantId = c.req.param("tenantId");
  await requireTenant(c.env, tenantId);
  const op = { kind: "addMember", id: groupId(c.req.param("groupId")), principalId: c.req.param("principalId") } as const;
  unwrap(await tenantStub(c.env, tenantId).manageGroups(op));
  return c.body(null, 204);
});

adminRoute(adminGroupRoutes, "GroupMemberRemove", async (c) => {
  const tenantId = c.req.param("tenantId");
  await requireTenant(c.env, tenantId);
  const op = { kind: "removeMember", id: groupId(c.req.param("groupId")), principalId: c.req.param("principalId") } as const;
  unwrap(await tenantStub(c.env, tenantId).manageGroups(op));
  return c.body(null, 204);
});
