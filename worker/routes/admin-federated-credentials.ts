import { Hono } from "hono";
import type { AppEnv } from "../app-env.ts";
import { tenantStub } from "../clients/tenant-stub.ts";
import { unwrap } from "../clients/unwrap.ts";
import { adminRoute } from "../middleware/admin-access.ts";
import { readJsonObject } from "../wire/json-body.ts";
import { assertCredentialName, federatedCredentialInput } from "../wire/federated-credential-input.ts";
import { requireTenant } from "./admin-tenants.ts";

/**
 * A principal's federated identity credentials (issue 17; docs/access-control.md "Workload identity federation"),
 * at Microsoft Graph's path segment and in its shape: PUT creates or replaces one by name (201 when created, 200
 * when replaced; Graph's upsert), GET lists or reads, DELETE removes. Each is audited by the control plane under
 * its FederatedCredential* operation name.
 */
export const adminFederatedCredentialRoutes = new Hono<AppEnv>({ strict: false });

adminRoute(adminFederatedCredentialRoutes, "FederatedCredentialPut", async (c) => {
  const tenantId = c.req.param("tenantId");
  await requireTenant(c.env, tenantId);
  const credential = federatedCredentialInput(assertCredentialName(c.req.param("credentialName")), await readJsonObject(c));
  const result = unwrap(await tenantStub(c.env, tenantId).manageFederatedCredentials(c.req.param("principalId"), { kind: "put", credential }));
  if (result === null || !("created" in result)) throw new Error("a put answered without its credential");
  return c.json(result.credential, result.created ? 201 : 200);
});

adminRoute(adminFederatedCredentialRoutes, "FederatedCredentialList", async (c) => {
  const tenantId = c.req.param("tenantId");
  await requireTenant(c.env, tenantId);
  return c.json({ value: unwrap(await tenantStub(c.env, tenantId).manageFederatedCredentials(c.req.param("principalId"), { kind: "list" })) });
});

adminRoute(adminFederatedCredentialRoutes, "FederatedCredentialGet", async (c) => {
  const tenantId = c.req.param("tenantId");
  await requireTenant(c.env, tenantId);
  const name = assertCredentialName(c.req.param("credentialName"));
  return c.json(unwrap(await tenantStub(c.env, tenantId).manageFederatedCredentials(c.req.param("principalId"), { kind: "get", name })));
});

adminRoute(adminFederatedCredentialRoutes, "FederatedCredentialDelete", async (c) => {
  const tenantId = c.req.param("tenantId");
  await requireTenant(c.env, tenantId);
  const name = assertCredentialName(c.req.param("credentialName"));
  unwrap(await tenantStub(c.env, tenantId).manageFederatedCredentials(c.req.param("principalId"), { kind: "delete", name }));
  return c.body(null, 204);
});
