import { Hono } from "hono";
import type { AppEnv } from "../app-env.ts";
import { callVault } from "../clients/call-vault.ts";
import { operation } from "../middleware/operation.ts";
import { contactsBody, issuerBundle, issuerItem } from "../wire/certificate-issuer-bundle.ts";
import { assertIssuerName, setContactsInput, setIssuerInput, updateIssuerInput } from "../wire/certificate-issuer-input.ts";
import { readJsonObject } from "../wire/json-body.ts";
import { listBody, pageRequest } from "../wire/paging.ts";

/**
 * Certificate contacts and issuers (certificates.json, api-version 2025-07-01). Mounted before the
 * /certificates/{name} routes, which would otherwise take "contacts" and "issuers" for certificate names.
 * Their data actions and audit names are in core/contract/operations.ts.
 */
export const certificateIssuerRoutes = new Hono<AppEnv>({ strict: false });

certificateIssuerRoutes.get("/certificates/contacts", operation("certificate.getContacts"), async (c) => {
  const contacts = await callVault(c, { kind: "certificate.getContacts" });
  return c.json(contactsBody(c.get("vaultBaseUrl"), contacts));
});

certificateIssuerRoutes.put("/certificates/contacts", operation("certificate.setContacts"), async (c) => {
  const contacts = setContactsInput(await readJsonObject(c));
  const set = await callVault(c, { kind: "certificate.setContacts", contacts });
  return c.json(contactsBody(c.get("vaultBaseUrl"), set));
});

certificateIssuerRoutes.delete("/certificates/contacts", operation("certificate.deleteContacts"), async (c) => {
  const deleted = await callVault(c, { kind: "certificate.deleteContacts" });
  return c.json(contactsBody(c.get("vaultBaseUrl"), deleted));
});

certificateIssuerRoutes.get("/certificates/issuers", operation("certificate.listIssuers"), async (c) => {
  const page = pageRequest(new URL(c.req.url));
  const result = await callVault(c, { kind: "certificate.listIssuers", page });
  const base = c.get("vaultBaseUrl");
  return c.json(listBody(result, (s) => issuerItem(base, s), `${base}/certificates/issuers`, c.get("apiVersion"), page));
});

certificateIssuerRoutes.get("/certificates/issuers/:name", operation("certificate.getIssuer"), async (c) => {
  const name = assertIssuerName(c.req.param("name"));
  const issuer = await callVault(c, { kind: "certificate.getIssuer", name });
  return c.json(issuerBundle(c.get("vaultBaseUrl"), issuer));
});

certificateIssuerRoutes.put("/certificates/issuers/:name", operation("certificate.setIssuer"), async (c) => {
  const name = assertIssuerName(c.req.param("name"));
  const input = setIssuerInput(await readJsonObject(c));
  const issuer = await callVault(c, { kind: "certificate.setIssuer", name, ...input });
  return c.json(issuerBundle(c.get("vaultBaseUrl"), issuer));
});

certificateIssuerRoutes.patch("/certificates/issuers/:name", operation("certificate.updateIssuer"), async (c) => {
  const name = assertIssuerName(c.req.param("name"));
  const input = updateIssuerInput(await readJsonObject(c));
  const issuer = await callVault(c, { kind: "certificate.updateIssuer", name, ...input });
  return c.json(issuerBundle(c.get("vaultBaseUrl"), issuer));
});

certificateIssuerRoutes.delete("/certificates/issuers/:name", operation("certificate.deleteIssuer"), async (c) => {
  const name = assertIssuerName(c.req.param("name"));
  const issuer = await callVault(c, { kind: "certificate.deleteIssuer", name });
  return c.json(issuerBundle(c.get("vaultBaseUrl"), issuer));
});
