import { Hono, type Context } from "hono";
import type { AppEnv } from "../app-env.ts";
import { callVault } from "../clients/call-vault.ts";
import { managedHsmOnly } from "../middleware/managed-hsm-only.ts";
import { operation } from "../middleware/operation.ts";
import { roleAssignmentBody, roleDefinitionBody } from "../wire/hsm-rbac-bundle.ts";
import { assertGuid, assignmentFilter, roleAssignmentInput, roleDefinitionInput, roleNameFilter, scopeOf } from "../wire/hsm-rbac-input.ts";
import { readJsonObject } from "../wire/json-body.ts";

/**
 * A managed HSM's local RBAC (rbac.json, api-version 7.2 on; docs/managed-hsm.md "Local RBAC"):
 * `/{scope}/providers/Microsoft.Authorization/roleDefinitions[/{name}]` and `…/roleAssignments[/{name}]`, the scope
 * being the HSM ("", as the SDKs collapse "/"), "/keys" or "/keys/{name}". Mounted before the keys' routes, which
 * would otherwise read `/keys/providers/…` as a key named "providers".
 */
export const hsmRbacRoutes = new Hono<AppEnv>({ strict: false });

const AUTHORIZATION = "providers/Microsoft.Authorization";
const SCOPES = [
  { prefix: "", collection: false },
  { prefix: "/keys", collection: true },
  { prefix: "/keys/:key", collection: false },
] as const;

const scope = (c: Context<AppEnv>, collection: boolean) => scopeOf(c.req.param("key"), collection);
const nameOf = (c: Context<AppEnv>, what: string) => assertGuid(c.req.param("name"), what);

for (const { prefix, collection } of SCOPES) {
  const definitions = `${prefix}/${AUTHORIZATION}/roleDefinitions`;
  const assignments = `${prefix}/${AUTHORIZATION}/roleAssignments`;
  hsmRbacRoutes.use(`${prefix}/${AUTHORIZATION}/*`, managedHsmOnly);

  hsmRbacRoutes.get(definitions, operation("hsm.listRoleDefinitions"), async (c) => {
    const roleName = roleNameFilter(c.req.query("$filter"));
    const found = await callVault(c, { kind: "hsm.listRoleDefinitions", scope: scope(c, collection), ...(roleName === undefined ? {} : { roleName }) });
    return c.json({ value: found.map(roleDefinitionBody) });
  });
  hsmRbacRoutes.get(`${definitions}/:name`, operation("hsm.getRoleDefinition"), async (c) => {
    const found = await callVault(c, { kind: "hsm.getRoleDefinition", scope: scope(c, collection), name: nameOf(c, "role definition name") });
    return c.json(roleDefinitionBody(found));
  });
  // Azure answers 201 to every role definition PUT, an update included (the SDKs accept nothing else).
  hsmRbacRoutes.put(`${definitions}/:name`, operation("hsm.setRoleDefinition"), async (c) => {
    const name = nameOf(c, "role definition name");
    const definition = roleDefinitionInput(await readJsonObject(c));
    const made = await callVault(c, { kind: "hsm.setRoleDefinition", scope: scope(c, collection), name, definition });
    return c.json(roleDefinitionBody(made), 201);
  });
  hsmRbacRoutes.delete(`${definitions}/:name`, operation("hsm.deleteRoleDefinition"), async (c) => {
    const gone = await callVault(c, { kind: "hsm.deleteRoleDefinition", scope: scope(c, collection), name: nameOf(c, "role definition name") });
    return c.json(roleDefinitionBody(gone));
  });

  hsmRbacRoutes.get(assignments, operation("hsm.listRoleAssignments"), async (c) => {
    const filter = assignmentFilter(c.req.query("$filter"));
    const found = await callVault(c, { kind: "hsm.listRoleAssignments", scope: scope(c, collection), ...(filter === undefined ? {} : { filter }) });
    return c.json({ value: found.map(roleAssignmentBody) });
  });
  hsmRbacRoutes.get(`${assignments}/:name`, operation("hsm.getRoleAssignment"), async (c) => {
    const found = await callVault(c, { kind: "hsm.getRoleAssignment", scope: scope(c, collection), name: nameOf(c, "role assignment name") });
    return c.json(roleAssignmentBody(found));
  });
  hsmRbacRoutes.put(`${assignments}/:name`, operation("hsm.createRoleAssignment"), async (c) => {
    const name = nameOf(c, "role assignment name");
    const input = roleAssignmentInput(await readJsonObject(c));
    const made = await callVault(c, { kind: "hsm.createRoleAssignment", scope: scope(c, collection), name, ...input });
    return c.json(roleAssignmentBody(made), 201);
  });
  hsmRbacRoutes.delete(`${assignments}/:name`, operation("hsm.deleteRoleAssignment"), async (c) => {
    const gone = await callVault(c, { kind: "hsm.deleteRoleAssignment", scope: scope(c, collection), name: nameOf(c, "role assignment name") });
    return c.json(roleAssignmentBody(gone));
  });
}
