import { Hono } from "hono";
import type { AppEnv } from "../app-env.ts";
import type { SecurityDomainStatus } from "../../core/contract/managed-hsm-security-domain.ts";
import { badParameter } from "../../core/errors/vault-error.ts";
import { callVault } from "../clients/call-vault.ts";
import { managedHsmOnly } from "../middleware/managed-hsm-only.ts";
import { operation } from "../middleware/operation.ts";
import { readJsonObject } from "../wire/json-body.ts";
import { acceptedAsync } from "../wire/async-operation.ts";

/**
 * A managed HSM's security domain (securitydomain.json, api-version 7.2 on; docs/managed-hsm.md "Security domain").
 * Download and upload are long-running (wire/async-operation.ts), their status at `…/pending`.
 */
export const hsmSecurityDomainRoutes = new Hono<AppEnv>({ strict: false });

hsmSecurityDomainRoutes.use("/securitydomain/*", managedHsmOnly);

const statusBody = (s: SecurityDomainStatus) => ({ status: s.status, status_details: s.statusDetails });

/** The certificates as every client sends them (bare JWKs), or as the 7.2 swagger wraps them (`{value: JWK}`). */
function certificatesOf(value: unknown): unknown[] {
  if (!Array.isArray(value)) throw badParameter("'certificates' must be a list of 3 to 10 JWKs with x5c.");
  return value.map((item: unknown) =>
    typeof item === "object" && item !== null && !Array.isArray(item) && "value" in item && !("kty" in item) ? (item as { value: unknown }).value : item,
  );
}

hsmSecurityDomainRoutes.post("/securitydomain/download", operation("hsm.downloadSecurityDomain"), async (c) => {
  const body = await readJsonObject(c);
  const certificates = certificatesOf(body.certificates);
  const { value } = await callVault(c, { kind: "hsm.downloadSecurityDomain", certificates, required: body.required ?? 2 });
  return acceptedAsync(c, "securitydomain/download/pending", { value });
});

hsmSecurityDomainRoutes.get("/securitydomain/download/pending", operation("hsm.securityDomainDownloadStatus"), async (c) =>
  c.json(statusBody(await callVault(c, { kind: "hsm.securityDomainDownloadStatus" }))),
);

hsmSecurityDomainRoutes.get("/securitydomain/upload", operation("hsm.transferKey"), async (c) => {
  const key = await callVault(c, { kind: "hsm.transferKey", baseUrl: c.get("vaultBaseUrl") });
  return c.json({ key_format: key.keyFormat, transfer_key: key.transferKey });
});

hsmSecurityDomainRoutes.post("/securitydomain/upload", operation("hsm.uploadSecurityDomain"), async (c) => {
  const value = (await readJsonObject(c)).value;
  if (typeof value !== "string" || value === "") throw badParameter("'value' must be the restore blob's JSON text.");
  return acceptedAsync(c, "securitydomain/upload/pending", statusBody(await callVault(c, { kind: "hsm.uploadSecurityDomain", value })));
});

hsmSecurityDomainRoutes.get("/securitydomain/upload/pending", operation("hsm.securityDomainUploadStatus"), async (c) =>
  c.json(statusBody(await callVault(c, { kind: "hsm.securityDomainUploadStatus" }))),
);
