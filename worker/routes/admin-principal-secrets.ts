import { Hono } from "hono";
import type { AppEnv } from "../app-env.ts";
import { tenantStub } from "../clients/tenant-stub.ts";
import { unwrap } from "../clients/unwrap.ts";
import { adminRoute } from "../middleware/admin-access.ts";
import { badParameter } from "../../core/errors/vault-error.ts";
import { readJsonObject } from "../wire/json-body.ts";
import { requireTenant } from "./admin-tenants.ts";

/**
 * A service principal's client secrets (issue 17; docs/access-control.md "Client secrets"): add one (its text shown
 * in this answer only), list them (ids, hints, expiries), remove one — "primary" is the secret the principal was made
 * with. Rotation is adding the next, moving to it, and removing the old; until then both sign in.
 */
export const adminPrincipalSecretRoutes = new Hono<AppEnv>({ strict: false });

const MAX_DISPLAY_NAME = 256;

adminRoute(adminPrincipalSecretRoutes, "PrincipalSecretAdd", async (c) => {
  const tenantId = c.req.param("tenantId");
  await requireTenant(c.env, tenantId);
  const body = await readJsonObject(c);
  const displayName = body.displayName ?? "";
  if (typeof displayName !== "string" || displayName.length > MAX_DISPLAY_NAME) throw badParameter(`displayName must be a string of at most ${MAX_DISPLAY_NAME} characters.`);
  const expiresInDays = body.expiresInDays ?? 180;
  if (typeof expiresInDays !== "number") throw badParameter("expiresInDays must be a number of days.");
  const op = { kind: "add", displayName, expiresInDays } as const;
  return c.json(unwrap(await tenantStub(c.env, tenantId).manageSecrets(c.req.param("principalId"), op)), 201);
});

adminRoute(adminPrincipalSecretRoutes, "PrincipalSecretList", async (c) => {
  const tenantId = c.req.param("tenantId");
  await requireTenant(c.env, tenantId);
  return c.json({ value: unwrap(await tenantStub(c.env, tenantId).manageSecrets(c.req.param("principalId"), { kind: "list" })) });
});

adminRoute(adminPrincipalSecretRoutes, "PrincipalSecretDelete", async (c) => {
  const tenantId = c.req.param("tenantId");
  await requireTenant(c.env, tenantId);
  unwrap(await tenantStub(c.env, tenantId).manageSecrets(c.req.param("principalId"), { kind: "remove", id: c.req.param("secretId") }));
  return c.body(null, 204);
});
