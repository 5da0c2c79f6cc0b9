import { Hono } from "hono";
import type { AppEnv } from "../app-env.ts";
import { callVault } from "../clients/call-vault.ts";
import { assertKeyTypeAllowed, generateKey } from "../../core/crypto/keys/generate-for-spec.ts";
import { hsmBridgeConfigured } from "../../core/hsm/hsm-bridge.ts";
import { AZURE_KEY_TYPES } from "../../core/crypto/keys/key-types.ts";
import { VaultError } from "../../core/errors/vault-error.ts";
import { resolvePolicy } from "../../core/domain/certificates/certificate-policy-patch.ts";
import { bytesToBase64 } from "../../core/crypto/bytes.ts";
import { operation } from "../middleware/operation.ts";
import { assertObjectName } from "../wire/assertions.ts";
import { certificateBundle, certificateItem, certificateOperationBody, deletedCertificateBundle } from "../wire/certificate-bundle.ts";
import { readImportedCertificate } from "../wire/certificate-import.ts";
import {
  cancellationInput,
  createCertificateInput,
  importCertificateInput,
  mergeCertificateInput,
  updateCertificateInput,
} from "../wire/certificate-input.ts";
import { certificatePolicyBody, certificatePolicyInput } from "../wire/certificate-policy.ts";
import { readJsonObject } from "../wire/json-body.ts";
import { restoreInput } from "../wire/secret-input.ts";
import { filteredPageRequest, listBody, pageRequest } from "../wire/paging.ts";

/** Azure REST "Certificates" operations (certificates.json, api-version 2025-07-01). Each route names its operation (core/contract/operations.ts). */
export const certificateRoutes = new Hono<AppEnv>({ strict: false });

certificateRoutes.get("/certificates", operation("certificate.list"), async (c) => {
  const url = new URL(c.req.url);
  const page = filteredPageRequest(url);
  const includePending = url.searchParams.get("includePending")?.toLowerCase() === "true";
  const result = await callVault(c, { kind: "certificate.list", page, includePending });
  const base = c.get("vaultBaseUrl");
  const body = listBody(result, (v) => certificateItem(base, v), `${base}/certificates`, c.get("apiVersion"), page);
  // The next page must keep listing pending certificates too.
  return c.json(includePending && body.nextLink !== null ? { ...body, nextLink: `${body.nextLink}&includePending=true` } : body);
});

certificateRoutes.post("/certificates/restore", operation("certificate.restore"), async (c) => {
  const blob = restoreInput(await readJsonObject(c));
  return c.json(certificateBundle(c.get("vaultBaseUrl"), await callVault(c, { kind: "certificate.restore", blob })));
});

// The key is generated here, in the stateless Worker (see keys.ts create); issuing from it is the vault's.
certificateRoutes.post("/certificates/:name/create", operation("certificate.create"), async (c) => {
  const name = assertObjectName(c.req.param("name"));
  const input = createCertificateInput(await readJsonObject(c));
  const { keyProps } = resolvePolicy(input.policy, null, 0);
  assertKeyTypeAllowed(c.get("vault"), keyProps.kty, hsmBridgeConfigured(c.env));
  // A certificate's key is signed with and issued from inside the vault object; HSM keys sign only in the token.
  if (AZURE_KEY_TYPES[keyProps.kty].hsm) throw new VaultError("BadParameter", "Certificates with HSM-protected keys are not supported yet.");
  await callVault(c, { kind: "certificate.createPreflight", name, kty: keyProps.kty }, "preflight");
  const { jwk } = await generateKey(keyProps);
  const pending = await callVault(c, { kind: "certificate.create", name, jwk, ...input }, "completion");
  const base = c.get("vaultBaseUrl");
  // Azure points the 202 at the operation to poll, and asks pollers to come back in 10 s (recorded).
  const location = `${base}/certificates/${name}/pending?api-version=${encodeURIComponent(c.get("apiVersion"))}&request_id=${pending.requestId}`;
  return c.json(certificateOperationBody(base, pending), 202, { Location: location, ...inProgressRetryAfter(pending) });
});

certificateRoutes.post("/certificates/:name/import", operation("certificate.import"), async (c) => {
  const name = assertObjectName(c.req.param("name"));
  const input = importCertificateInput(await readJsonObject(c));
  const imported = await readImportedCertificate(input);
  const { attributes, tags } = input;
  const op = { kind: "certificate.import", name, ...imported, ...(attributes === undefined ? {} : { attributes }), ...(tags === undefined ? {} : { tags }) } as const;
  return c.json(certificateBundle(c.get("vaultBaseUrl"), await callVault(c, op)));
});

certificateRoutes.get("/certificates/:name/versions", operation("certificate.listVersions"), async (c) => {
  const name = assertObjectName(c.req.param("name"));
  const page = pageRequest(new URL(c.req.url));
  const result = await callVault(c, { kind: "certificate.listVersions", name, page });
  const base = c.get("vaultBaseUrl");
  return c.json(listBody(result, (v) => certificateItem(base, v, true), `${base}/certificates/${name}/versions`, c.get("apiVersion"), page));
});

certificateRoutes.get("/certificates/:name/policy", operation("certificate.getPolicy"), async (c) => {
  const name = assertObjectName(c.req.param("name"));
  const result = await callVault(c, { kind: "certificate.getPolicy", name });
  return c.json(certificatePolicyBody(`${c.get("vaultBaseUrl")}/certificates/${result.name}`, result.policy));
});

certificateRoutes.patch("/certificates/:name/policy", operation("certificate.updatePolicy"), async (c) => {
  const name = assertObjectName(c.req.param("name"));
  const policy = certificatePolicyInput(await readJsonObject(c));
  const result = await callVault(c, { kind: "certificate.updatePolicy", name, policy });
  return c.json(certificatePolicyBody(`${c.get("vaultBaseUrl")}/certificates/${result.name}`, result.policy));
});

// `Accept: application/pkcs10` asks for the CSR alone, as base64 text (GetPendingCertificateSigningRequest).
certificateRoutes.get("/certificates/:name/pending", operation("certificate.getOperation"), async (c) => {
  const name = assertObjectName(c.req.param("name"));
  const pending = await callVault(c, { kind: "certificate.getOperation", name });
  if ((c.req.header("Accept") ?? "").toLowerCase().includes("application/pkcs10") && pending.csr !== null) {
    return c.body(bytesToBase64(pending.csr), 200, { "Content-Type": "application/pkcs10" });
  }
  return c.json(certificateOperationBody(c.get("vaultBaseUrl"), pending), 200, inProgressRetryAfter(pending));
});

/** Azure's answers about an operation in progress carry `Retry-After: 10` (recorded GetCertificateOperation). */
function inProgressRetryAfter(op: { readonly status: string }): Record<string, string> {
  return op.status === "inProgress" ? { "Retry-After": "10" } : {};
}

// UpdateCertificateOperation is one operation (certificates/update/action, CertificatePendingUpdate) whether it cancels
// or not (test/api/certificate-pending-update.test.ts).
certificateRoutes.patch("/certificates/:name/pending", operation("certificate.updateOperation"), async (c) => {
  const name = assertObjectName(c.req.param("name"));
  const cancellationRequested = cancellationInput(await readJsonObject(c));
  const pending = await callVault(c, { kind: "certificate.updateOperation", name, cancellationRequested });
  return c.json(certificateOperationBody(c.get("vaultBaseUrl"), pending));
});

certificateRoutes.delete("/certificates/:name/pending", operation("certificate.deleteOperation"), async (c) => {
  const name = assertObjectName(c.req.param("name"));
  return c.json(certificateOperationBody(c.get("vaultBaseUrl"), await callVault(c, { kind: "certificate.deleteOperation", name })));
});

certificateRoutes.post("/certificates/:name/pending/merge", operation("certificate.merge"), async (c) => {
  const name = assertObjectName(c.req.param("name"));
  const input = await mergeCertificateInput(await readJsonObject(c));
  const merged = await callVault(c, { kind: "certificate.merge", name, ...input });
  return c.json(certificateBundle(c.get("vaultBaseUrl"), merged), 201);
});

certificateRoutes.post("/certificates/:name/backup", operation("certificate.backup"), async (c) => {
  const name = assertObjectName(c.req.param("name"));
  const { blob } = await callVault(c, { kind: "certificate.backup", name });
  return c.json({ value: blob });
});

certificateRoutes.get("/certificates/:name/:version?", operation("certificate.get"), async (c) => {
  const name = assertObjectName(c.req.param("name"));
  const version = c.req.param("version") || undefined;
  const certificate = await callVault(c, { kind: "certificate.get", name, ...(version === undefined ? {} : { version }) });
  return c.json(certificateBundle(c.get("vaultBaseUrl"), certificate));
});

certificateRoutes.patch("/certificates/:name/:version?", operation("certificate.update"), async (c) => {
  const name = assertObjectName(c.req.param("name"));
  const version = c.req.param("version") || undefined;
  const input = updateCertificateInput(await readJsonObject(c));
  const updated = await callVault(c, { kind: "certificate.update", name, ...(version === undefined ? {} : { version }), ...input });
  return c.json(certificateBundle(c.get("vaultBaseUrl"), updated));
});

certificateRoutes.delete("/certificates/:name", operation("certificate.delete"), async (c) => {
  const name = assertObjectName(c.req.param("name"));
  return c.json(deletedCertificateBundle(c.get("vaultBaseUrl"), await callVault(c, { kind: "certificate.delete", name })));
});
