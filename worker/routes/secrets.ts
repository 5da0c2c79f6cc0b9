import { Hono } from "hono";
import type { AppEnv } from "../app-env.ts";
import { readAtEdge } from "../edge/edge-read.ts";
import { callVault } from "../clients/call-vault.ts";
import { operation } from "../middleware/operation.ts";
import { assertObjectName } from "../wire/assertions.ts";
import { readJsonObject } from "../wire/json-body.ts";
import { filteredPageRequest, listBody, pageRequest } from "../wire/paging.ts";
import { deletedSecretBundle, secretBundle, secretItem, secretVersionItem } from "../wire/secret-bundle.ts";
import { restoreInput, setSecretInput, updateSecretInput } from "../wire/secret-input.ts";
import { convertCertificateSecret } from "../wire/certificate-secret-format.ts";

/** Azure REST "Secrets" operations (secrets.json; the versions served: worker/wire/api-version.ts). Each route names its operation (core/contract/operations.ts). */
export const secretRoutes = new Hono<AppEnv>({ strict: false });

secretRoutes.get("/secrets", operation("secret.list"), async (c) => {
  const url = new URL(c.req.url);
  const page = filteredPageRequest(url);
  const result = await callVault(c, { kind: "secret.list", page });
  const base = c.get("vaultBaseUrl");
  return c.json(listBody(result, (v) => secretItem(base, v), `${base}/secrets`, c.get("apiVersion"), page));
});

secretRoutes.post("/secrets/restore", operation("secret.restore"), async (c) => {
  const blob = restoreInput(await readJsonObject(c));
  const restored = await callVault(c, { kind: "secret.restore", blob });
  return c.json(secretBundle(c.get("vaultBaseUrl"), restored, c.get("apiVersion")));
});

secretRoutes.put("/secrets/:name", operation("secret.set"), async (c) => {
  const name = assertObjectName(c.req.param("name"));
  const input = setSecretInput(await readJsonObject(c));
  const created = await callVault(c, { kind: "secret.set", name, ...input });
  return c.json(secretBundle(c.get("vaultBaseUrl"), created, c.get("apiVersion")));
});

secretRoutes.get("/secrets/:name/versions", operation("secret.listVersions"), async (c) => {
  const name = assertObjectName(c.req.param("name"));
  const url = new URL(c.req.url);
  const page = pageRequest(url);
  const result = await callVault(c, { kind: "secret.listVersions", name, page });
  const base = c.get("vaultBaseUrl");
  return c.json(listBody(result, (v) => secretVersionItem(base, v), `${base}/secrets/${name}/versions`, c.get("apiVersion"), page));
});

secretRoutes.post("/secrets/:name/backup", operation("secret.backup"), async (c) => {
  const name = assertObjectName(c.req.param("name"));
  const { blob } = await callVault(c, { kind: "secret.backup", name });
  return c.json({ value: blob });
});

// An empty version means the latest: SDKs send GET /secrets/{name}/ (docs/client-contract.md §5).
secretRoutes.get("/secrets/:name/:version?", operation("secret.get"), async (c) => {
  const name = assertObjectName(c.req.param("name"));
  const version = c.req.param("version") || undefined;
  const op = { kind: "secret.get", name, ...(version === undefined ? {} : { version }) } as const;
  const outContentType = c.req.query("outContentType");
  // A conversion (outContentType) is made per request, never kept at the edge.
  if (outContentType === undefined) return await readAtEdge(c, op, (secret) => secretBundle(c.get("vaultBaseUrl"), secret, c.get("apiVersion")));
  const secret = await callVault(c, op);
  if (!secret.managed || secret.value === undefined) return c.json(secretBundle(c.get("vaultBaseUrl"), secret, c.get("apiVersion")));
  const converted = await convertCertificateSecret(secret.value, secret.contentType, outContentType);
  return c.json(secretBundle(c.get("vaultBaseUrl"), { ...secret, ...converted }, c.get("apiVersion")));
});

secretRoutes.patch("/secrets/:name/:version?", operation("secret.update"), async (c) => {
  const name = assertObjectName(c.req.param("name"));
  const version = c.req.param("version") || undefined;
  const input = updateSecretInput(await readJsonObject(c));
  const updated = await callVault(c, { kind: "secret.update", name, ...(version === undefined ? {} : { version }), ...input });
  return c.json(secretBundle(c.get("vaultBaseUrl"), updated, c.get("apiVersion")));
});

secretRoutes.delete("/secrets/:name", operation("secret.delete"), async (c) => {
  const name = assertObjectName(c.req.param("name"));
  const deleted = await callVault(c, { kind: "secret.delete", name });
  return c.json(deletedSecretBundle(c.get("vaultBaseUrl"), deleted, c.get("apiVersion")));
});
