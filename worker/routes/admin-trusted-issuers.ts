import { Hono } from "hono";
import type { AppEnv } from "../app-env.ts";
import { forgetTrustedIssuersOf } from "../auth/trusted-issuers-cache.ts";
import { tenantStub } from "../clients/tenant-stub.ts";
import { unwrap } from "../clients/unwrap.ts";
import { adminRoute } from "../middleware/admin-access.ts";
import { readJsonObject } from "../wire/json-body.ts";
import { assertTrustedIssuerName, trustedIssuerInput, trustedIssuerJson } from "../wire/trusted-issuer-input.ts";
import { requireTenant } from "./admin-tenants.ts";

/**
 * A tenant's trusted external issuers (issue 17; docs/access-control.md "Trusted external issuers"): PUT creates or
 * replaces one by name (201 when created, 200 when replaced), GET lists or reads, DELETE removes. Each is audited by
 * the control plane under its TrustedIssuer* operation name; a change is seen by this isolate's data plane at once.
 */
export const adminTrustedIssuerRoutes = new Hono<AppEnv>({ strict: false });

adminRoute(adminTrustedIssuerRoutes, "TrustedIssuerPut", async (c) => {
  const tenantId = c.req.param("tenantId");
  await requireTenant(c.env, tenantId);
  const input = trustedIssuerInput(c.env, assertTrustedIssuerName(c.req.param("issuerName")), await readJsonObject(c));
  const result = unwrap(await tenantStub(c.env, tenantId).manageTrustedIssuers({ kind: "put", input }));
  if (result === null || !("saved" in result)) throw new Error("a put answered without its issuer");
  forgetTrustedIssuersOf(tenantId);
  return c.json(trustedIssuerJson(tenantId, result.saved), result.isNew ? 201 : 200);
});

adminRoute(adminTrustedIssuerRoutes, "TrustedIssuerList", async (c) => {
  const tenantId = c.req.param("tenantId");
  await requireTenant(c.env, tenantId);
  const all = unwrap(await tenantStub(c.env, tenantId).manageTrustedIssuers({ kind: "list" }));
  return c.json({ value: (Array.isArray(all) ? all : []).map((t) => trustedIssuerJson(tenantId, t)) });
});

adminRoute(adminTrustedIssuerRoutes, "TrustedIssuerGet", async (c) => {
  const tenantId = c.req.param("tenantId");
  await requireTenant(c.env, tenantId);
  const name = assertTrustedIssuerName(c.req.param("issuerName"));
  const found = unwrap(await tenantStub(c.env, tenantId).manageTrustedIssuers({ kind: "get", name }));
  if (found === null || Array.isArray(found) || "saved" in found) throw new Error("a get answered without its issuer");
  return c.json(trustedIssuerJson(tenantId, found));
});

adminRoute(adminTrustedIssuerRoutes, "TrustedIssuerDelete", async (c) => {
  const tenantId = c.req.param("tenantId");
  await requireTenant(c.env, tenantId);
  const name = assertTrustedIssuerName(c.req.param("issuerName"));
  unwrap(await tenantStub(c.env, tenantId).manageTrustedIssuers({ kind: "delete", name }));
  forgetTrustedIssuersOf(tenantId);
  return c.body(null, 204);
});
