import { Hono } from "hono";
import type { AppEnv } from "../app-env.ts";
import { callVault } from "../clients/call-vault.ts";
import { operation } from "../middleware/operation.ts";
import { assertObjectName } from "../wire/assertions.ts";
import { certificateBundle, deletedCertificateBundle, deletedCertificateItem } from "../wire/certificate-bundle.ts";
import { filteredPageRequest, listBody } from "../wire/paging.ts";

/** Soft-deleted certificates (certificates.json DeletedCertificates operations); the managed key and secret follow. */
export const deletedCertificateRoutes = new Hono<AppEnv>({ strict: false });

deletedCertificateRoutes.get("/deletedcertificates", operation("certificate.listDeleted"), async (c) => {
  const page = filteredPageRequest(new URL(c.req.url));
  const result = await callVault(c, { kind: "certificate.listDeleted", page });
  const base = c.get("vaultBaseUrl");
  return c.json(listBody(result, (v) => deletedCertificateItem(base, v), `${base}/deletedcertificates`, c.get("apiVersion"), page));
});

deletedCertificateRoutes.get("/deletedcertificates/:name", operation("certificate.getDeleted"), async (c) => {
  const name = assertObjectName(c.req.param("name"));
  return c.json(deletedCertificateBundle(c.get("vaultBaseUrl"), await callVault(c, { kind: "certificate.getDeleted", name })));
});

deletedCertificateRoutes.delete("/deletedcertificates/:name", operation("certificate.purge"), async (c) => {
  const name = assertObjectName(c.req.param("name"));
  await callVault(c, { kind: "certificate.purge", name });
  return c.body(null, 204);
});

deletedCertificateRoutes.post("/deletedcertificates/:name/recover", operation("certificate.recover"), async (c) => {
  const name = assertObjectName(c.req.param("name"));
  return c.json(certificateBundle(c.get("vaultBaseUrl"), await callVault(c, { kind: "certificate.recover", name })));
});
