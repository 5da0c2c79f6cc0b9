import { Hono } from "hono";
import type { AppEnv } from "../app-env.ts";
import { tenantStub } from "../clients/tenant-stub.ts";
import { unwrap } from "../clients/unwrap.ts";
import { adminRoute } from "../middleware/admin-access.ts";
import { readJsonObject } from "../wire/json-body.ts";
import { assertProviderName, externalIdentityInput, externalIdentityJson, signInProviderInput, signInProviderJson } from "../wire/sign-in-provider-input.ts";
import { requireTenant } from "./admin-tenants.ts";
import type { ExternalIdentityLink, SignInProvider } from "../../core/domain/identity/sign-in-provider.ts";

/**
 * A tenant's external sign-in providers and its users' linked external identities (docs/sign-in.md "External
 * identity providers"): PUT creates or replaces a provider by name (201 when created, 200 when replaced), GET lists
 * or reads (never the client secret), DELETE removes; a user's links are added, listed and removed one by one.
 * Each is audited by the control plane under its operation name.
 */
export const adminSignInProviderRoutes = new Hono<AppEnv>({ strict: false });

adminRoute(adminSignInProviderRoutes, "SignInProviderPut", async (c) => {
  const tenantId = c.req.param("tenantId");
  await requireTenant(c.env, tenantId);
  const input = signInProviderInput(c.env, assertProviderName(c.req.param("providerName")), await readJsonObject(c));
  const result = unwrap(await tenantStub(c.env, tenantId).manageSignInProviders({ kind: "put", input }));
  if (result === null || !("saved" in result)) throw new Error("a put answered without its provider");
  return c.json(signInProviderJson(c.env, tenantId, result.saved), result.isNew ? 201 : 200);
});

adminRoute(adminSignInProviderRoutes, "SignInProviderList", async (c) => {
  const tenantId = c.req.param("tenantId");
  await requireTenant(c.env, tenantId);
  const all = unwrap(await tenantStub(c.env, tenantId).manageSignInProviders({ kind: "list" })) as SignInProvider[];
  return c.json({ value: all.map((p) => signInProviderJson(c.env, tenantId, p)) });
});

adminRoute(adminSignInProviderRoutes, "SignInProviderGet", async (c) => {
  const tenantId = c.req.param("tenantId");
  await requireTenant(c.env, tenantId);
  const name = assertProviderName(c.req.param("providerName"));
  const found = unwrap(await tenantStub(c.env, tenantId).manageSignInProviders({ kind: "get", name })) as SignInProvider;
  return c.json(signInProviderJson(c.env, tenantId, found));
});

adminRoute(adminSignInProviderRoutes, "SignInProviderDelete", async (c) => {
  const tenantId = c.req.param("tenantId");
  await requireTenant(c.env, tenantId);
  const name = assertProviderName(c.req.param("providerName"));
  unwrap(await tenantStub(c.env, tenantId).manageSignInProviders({ kind: "delete", name }));
  return c.body(null, 204);
});

adminRoute(adminSignInProviderRoutes, "UserExternalIdentityAdd", async (c) => {
  const tenantId = c.req.param("tenantId");
  await requireTenant(c.env, tenantId);
  const { issuer, subject } = externalIdentityInput(await readJsonObject(c));
  const link = unwrap(await tenantStub(c.env, tenantId).manageSignInProviders({ kind: "link", userId: c.req.param("userId"), issuer, subject })) as ExternalIdentityLink;
  return c.json(externalIdentityJson(link), 201);
});

adminRoute(adminSignInProviderRoutes, "UserExternalIdentityList", async (c) => {
  const tenantId = c.req.param("tenantId");
  await requireTenant(c.env, tenantId);
  const links = unwrap(await tenantStub(c.env, tenantId).manageSignInProviders({ kind: "links", userId: c.req.param("userId") })) as ExternalIdentityLink[];
  return c.json({ value: links.map(externalIdentityJson) });
});

adminRoute(adminSignInProviderRoutes, "UserExternalIdentityRemove", async (c) => {
  const tenantId = c.req.param("tenantId");
  await requireTenant(c.env, tenantId);
  unwrap(await tenantStub(c.env, tenantId).manageSignInProviders({ kind: "unlink", userId: c.req.param("userId"), linkId: c.req.param("linkId") }));
  return c.body(null, 204);
});
