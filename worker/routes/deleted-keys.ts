import { Hono } from "hono";
import type { AppEnv } from "../app-env.ts";
import { callVault } from "../clients/call-vault.ts";
import { requires } from "../middleware/requires.ts";
import { assertObjectName } from "../wire/assertions.ts";
import { deletedKeyBundle, deletedKeyItem, keyBundle } from "../wire/key-bundle.ts";
import { listBody, pageRequest } from "../wire/paging.ts";

/** Soft-deleted keys (keys.json DeletedKeys operations); reading them needs keys/read, as for live keys. */
export const deletedKeyRoutes = new Hono<AppEnv>({ strict: false });

deletedKeyRoutes.get("/deletedkeys", requires("keys/read", "KeyListDeleted"), async (c) => {
  const page = pageRequest(new URL(c.req.url));
  const result = await callVault(c, { kind: "key.listDeleted", page });
  const base = c.get("vaultBaseUrl");
  return c.json(listBody(result, (v) => deletedKeyItem(base, v), `${base}/deletedkeys`, c.get("apiVersion"), page));
});

deletedKeyRoutes.get("/deletedkeys/:name", requires("keys/read", "KeyGetDeleted"), async (c) => {
  const name = assertObjectName(c.req.param("name"));
  return c.json(deletedKeyBundle(c.get("vaultBaseUrl"), await callVault(c, { kind: "key.getDeleted", name })));
});

deletedKeyRoutes.delete("/deletedkeys/:name", requires("keys/purge/action", "KeyPurge"), async (c) => {
  const name = assertObjectName(c.req.param("name"));
  await callVault(c, { kind: "key.purge", name });
  return c.body(null, 204);
});

deletedKeyRoutes.post("/deletedkeys/:name/recover", requires("keys/recover/action", "KeyRecover"), async (c) => {
  const name = assertObjectName(c.req.param("name"));
  return c.json(keyBundle(c.get("vaultBaseUrl"), await callVault(c, { kind: "key.recover", name })));
});
