import { Hono } from "hono";
import type { AppEnv } from "../app-env.ts";
import { tenantStub } from "../clients/tenant-stub.ts";
import { unwrap } from "../clients/unwrap.ts";
import { adminRoute } from "../middleware/admin-access.ts";
import { clientCertificateInput } from "../wire/client-certificate-input.ts";
import { readJsonObject } from "../wire/json-body.ts";
import { requireTenant } from "./admin-tenants.ts";

/**
 * A service principal's certificate credentials (issue 17; docs/access-control.md "Certificate credentials"), beside
 * its client secrets and in their style: add one from its public certificate (`{"key": base64 DER or PEM,
 * "displayName"?}`; answered as a Graph keyCredential), list them, remove one by keyId. Audited as
 * PrincipalCertificateAdd|List|Delete.
 */
export const adminPrincipalCertificateRoutes = new Hono<AppEnv>({ strict: false });

adminRoute(adminPrincipalCertificateRoutes, "PrincipalCertificateAdd", async (c) => {
  const tenantId = c.req.param("tenantId");
  await requireTenant(c.env, tenantId);
  const certificate = await clientCertificateInput(await readJsonObject(c));
  return c.json(unwrap(await tenantStub(c.env, tenantId).manageCertificates(c.req.param("principalId"), { kind: "add", certificate })), 201);
});

adminRoute(adminPrincipalCertificateRoutes, "PrincipalCertificateList", async (c) => {
  const tenantId = c.req.param("tenantId");
  await requireTenant(c.env, tenantId);
  return c.json({ value: unwrap(await tenantStub(c.env, tenantId).manageCertificates(c.req.param("principalId"), { kind: "list" })) });
});

adminRoute(adminPrincipalCertificateRoutes, "PrincipalCertificateDelete", async (c) => {
  const tenantId = c.req.param("tenantId");
  await requireTenant(c.env, tenantId);
  unwrap(await tenantStub(c.env, tenantId).manageCertificates(c.req.param("principalId"), { kind: "remove", keyId: c.req.param("keyId") }));
  return c.body(null, 204);
});
