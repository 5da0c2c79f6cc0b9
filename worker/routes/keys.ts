import { Hono } from "hono";
import type { AppEnv } from "../app-env.ts";
import { callVault } from "../clients/call-vault.ts";
import { requires } from "../middleware/requires.ts";
import { assertObjectName } from "../wire/assertions.ts";
import { readJsonObject } from "../wire/json-body.ts";
import { keyBundle, keyItem, keyVersionItem, deletedKeyBundle, rotationPolicyBody } from "../wire/key-bundle.ts";
import { createKeyInput, importKeyInput, rotationPolicyInput, updateKeyInput } from "../wire/key-input.ts";
import { listBody, pageRequest } from "../wire/paging.ts";
import { restoreInput } from "../wire/secret-input.ts";
import { assertKeyTypeAllowed, generateKey } from "../../durable-objects/crypto/keys/generate-for-spec.ts";

/** Azure REST "Keys" management operations (keys.json, api-version 2025-07-01). Each route declares its data action. */
export const keyRoutes = new Hono<AppEnv>({ strict: false });

keyRoutes.get("/keys", requires("keys/read", "KeyList"), async (c) => {
  const page = pageRequest(new URL(c.req.url));
  const result = await callVault(c, { kind: "key.list", page });
  const base = c.get("vaultBaseUrl");
  return c.json(listBody(result, (v) => keyItem(base, v), `${base}/keys`, c.get("apiVersion"), page));
});

keyRoutes.post("/keys/restore", requires("keys/restore/action", "KeyRestore"), async (c) => {
  const blob = restoreInput(await readJsonObject(c));
  return c.json(keyBundle(c.get("vaultBaseUrl"), await callVault(c, { kind: "key.restore", blob })));
});

// Generated here, in the stateless Worker, before the vault object is called: workerd's RSA generation
// runs synchronously (~0.3 s for 2048 bits, seconds for 4096) and would stall the whole vault.
keyRoutes.post("/keys/:name/create", requires("keys/create/action", "KeyCreate"), async (c) => {
  const name = assertObjectName(c.req.param("name"));
  const { spec, ...metadata } = createKeyInput(await readJsonObject(c));
  assertKeyTypeAllowed(c.get("vault"), spec.kty);
  // Only a caller allowed to create may make the Worker spend CPU on generation.
  await callVault(c, { kind: "authorize", kty: spec.kty }, "preflight");
  const { jwk } = await generateKey(spec);
  const created = await callVault(c, { kind: "key.create", name, kty: spec.kty, jwk, ...metadata }, "completion");
  return c.json(keyBundle(c.get("vaultBaseUrl"), created));
});

keyRoutes.put("/keys/:name", requires("keys/import/action", "KeyImport"), async (c) => {
  const name = assertObjectName(c.req.param("name"));
  const input = importKeyInput(await readJsonObject(c));
  return c.json(keyBundle(c.get("vaultBaseUrl"), await callVault(c, { kind: "key.import", name, ...input })));
});

keyRoutes.get("/keys/:name/versions", requires("keys/read", "KeyListVersions"), async (c) => {
  const name = assertObjectName(c.req.param("name"));
  const page = pageRequest(new URL(c.req.url));
  const result = await callVault(c, { kind: "key.listVersions", name, page });
  const base = c.get("vaultBaseUrl");
  return c.json(listBody(result, (v) => keyVersionItem(base, v), `${base}/keys/${name}/versions`, c.get("apiVersion"), page));
});

keyRoutes.post("/keys/:name/backup", requires("keys/backup/action", "KeyBackup"), async (c) => {
  const name = assertObjectName(c.req.param("name"));
  const { blob } = await callVault(c, { kind: "key.backup", name });
  return c.json({ value: blob });
});

// Generated here too (see create); asking for the spec also checks the caller may rotate.
keyRoutes.post("/keys/:name/rotate", requires("keys/rotate/action", "KeyRotate"), async (c) => {
  const name = assertObjectName(c.req.param("name"));
  const spec = await callVault(c, { kind: "key.rotationSpec", name }, "preflight");
  const { jwk } = await generateKey(spec);
  return c.json(keyBundle(c.get("vaultBaseUrl"), await callVault(c, { kind: "key.rotate", name, jwk }, "completion")));
});

keyRoutes.get("/keys/:name/rotationpolicy", requires("keyrotationpolicies/read", "KeyRotationPolicyGet"), async (c) => {
  const name = assertObjectName(c.req.param("name"));
  const result = await callVault(c, { kind: "key.getRotationPolicy", name });
  return c.json(rotationPolicyBody(c.get("vaultBaseUrl"), result.name, result.policy));
});

keyRoutes.put("/keys/:name/rotationpolicy", requires("keyrotationpolicies/write", "KeyRotationPolicySet"), async (c) => {
  const name = assertObjectName(c.req.param("name"));
  const policy = rotationPolicyInput(await readJsonObject(c));
  const result = await callVault(c, { kind: "key.setRotationPolicy", name, policy });
  return c.json(rotationPolicyBody(c.get("vaultBaseUrl"), result.name, result.policy));
});

// An empty version means the latest (keys.json: GET /keys/{key-name}/{key-version}).
keyRoutes.get("/keys/:name/:version?", requires("keys/read", "KeyGet"), async (c) => {
  const name = assertObjectName(c.req.param("name"));
  const version = c.req.param("version") || undefined;
  const key = await callVault(c, { kind: "key.get", name, ...(version === undefined ? {} : { version }) });
  return c.json(keyBundle(c.get("vaultBaseUrl"), key));
});

keyRoutes.patch("/keys/:name/:version?", requires("keys/update/action", "KeyUpdate"), async (c) => {
  const name = assertObjectName(c.req.param("name"));
  const version = c.req.param("version") || undefined;
  const input = updateKeyInput(await readJsonObject(c));
  const key = await callVault(c, { kind: "key.update", name, ...(version === undefined ? {} : { version }), ...input });
  return c.json(keyBundle(c.get("vaultBaseUrl"), key));
});

keyRoutes.delete("/keys/:name", requires("keys/delete", "KeyDelete"), async (c) => {
  const name = assertObjectName(c.req.param("name"));
  return c.json(deletedKeyBundle(c.get("vaultBaseUrl"), await callVault(c, { kind: "key.delete", name })));
});
