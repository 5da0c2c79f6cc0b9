import { Hono } from "hono";
import type { AppEnv } from "../app-env.ts";
import { callVault } from "../clients/call-vault.ts";
import { requires } from "../middleware/requires.ts";
import { contactsBody, issuerBundle, issuerItem } from "../wire/certificate-issuer-bundle.ts";
import { assertIssuerName, setContactsInput, setIssuerInput, updateIssuerInput } from "../wire/certificate-issuer-input.ts";
import { readJsonObject } from "../wire/json-body.ts";
import { listBody, pageRequest } from "../wire/paging.ts";

/**
 * Certificate contacts and issuers (certificates.json, api-version 2025-07-01). Mounted before the
 * /certificates/{name} routes, which would otherwise take "contacts" and "issuers" for certificate names.
 *
 * Data actions are Azure's (permissions/security#microsoftkeyvault): issuers are `certificatecas/read|
 * write|delete`; contacts have one action, `certificatecontacts/write` ("Manage Certificate Contact"),
 * which Azure also demands to *read* them (its ForbiddenByRbac for GetCertificateContacts names it:
 * Azure/azure-powershell#27911), as the access-policy model demands `managecontacts` for all three.
 * Operation names are Azure's AuditEvent names (key-vault/general/logging.md).
 */
export const certificateIssuerRoutes = new Hono<AppEnv>({ strict: false });

const CONTACTS = "certificatecontacts/write";

certificateIssuerRoutes.get("/certificates/contacts", requires(CONTACTS, "CertificateContactsGet"), async (c) => {
  const contacts = await callVault(c, { kind: "certificate.getContacts" });
  return c.json(contactsBody(c.get("vaultBaseUrl"), contacts));
});

certificateIssuerRoutes.put("/certificates/contacts", requires(CONTACTS, "CertificateContactsSet"), async (c) => {
  const contacts = setContactsInput(await readJsonObject(c));
  const set = await callVault(c, { kind: "certificate.setContacts", contacts });
  return c.json(contactsBody(c.get("vaultBaseUrl"), set));
});

certificateIssuerRoutes.delete("/certificates/contacts", requires(CONTACTS, "CertificateContactsDelete"), async (c) => {
  const deleted = await callVault(c, { kind: "certificate.deleteContacts" });
  return c.json(contactsBody(c.get("vaultBaseUrl"), deleted));
});

certificateIssuerRoutes.get("/certificates/issuers", requires("certificatecas/read", "CertificateIssuersList"), async (c) => {
  const page = pageRequest(new URL(c.req.url));
  const result = await callVault(c, { kind: "certificate.listIssuers", page });
  const base = c.get("vaultBaseUrl");
  return c.json(listBody(result, (s) => issuerItem(base, s), `${base}/certificates/issuers`, c.get("apiVersion"), page));
});

certificateIssuerRoutes.get("/certificates/issuers/:name", requires("certificatecas/read", "CertificateIssuerGet"), async (c) => {
  const name = assertIssuerName(c.req.param("name"));
  const issuer = await callVault(c, { kind: "certificate.getIssuer", name });
  return c.json(issuerBundle(c.get("vaultBaseUrl"), issuer));
});

certificateIssuerRoutes.put("/certificates/issuers/:name", requires("certificatecas/write", "CertificateIssuerSet"), async (c) => {
  const name = assertIssuerName(c.req.param("name"));
  const input = setIssuerInput(await readJsonObject(c));
  const issuer = await callVault(c, { kind: "certificate.setIssuer", name, ...input });
  return c.json(issuerBundle(c.get("vaultBaseUrl"), issuer));
});

certificateIssuerRoutes.patch("/certificates/issuers/:name", requires("certificatecas/write", "CertificateIssuerUpdate"), async (c) => {
  const name = assertIssuerName(c.req.param("name"));
  const input = updateIssuerInput(await readJsonObject(c));
  const issuer = await callVault(c, { kind: "certificate.updateIssuer", name, ...input });
  return c.json(issuerBundle(c.get("vaultBaseUrl"), issuer));
});

certificateIssuerRoutes.delete("/certificates/issuers/:name", requires("certificatecas/delete", "CertificateIssuerDelete"), async (c) => {
  const name = assertIssuerName(c.req.param("name"));
  const issuer = await callVault(c, { kind: "certificate.deleteIssuer", name });
  return c.json(issuerBundle(c.get("vaultBaseUrl"), issuer));
});
