import { Hono } from "hono";
import type { AppEnv } from "../app-env.ts";
import { callVault } from "../clients/call-vault.ts";
import { operation } from "../middleware/operation.ts";
import { assertObjectName } from "../wire/assertions.ts";
import { deletedKeyBundle, deletedKeyItem, keyBundle } from "../wire/key-bundle.ts";
import { filteredPageRequest, listBody } from "../wire/paging.ts";

/** Soft-deleted keys (keys.json DeletedKeys operations). */
export const deletedKeyRoutes = new Hono<AppEnv>({ strict: false });

deletedKeyRoutes.get("/deletedkeys", operation("key.listDeleted"), async (c) => {
  const page = filteredPageRequest(new URL(c.req.url));
  const result = await callVault(c, { kind: "key.listDeleted", page });
  const base = c.get("vaultBaseUrl");
  return c.json(listBody(result, (v) => deletedKeyItem(base, v, c.get("apiVersion")), `${base}/deletedkeys`, c.get("apiVersion"), page));
});

deletedKeyRoutes.get("/deletedkeys/:name", operation("key.getDeleted"), async (c) => {
  const name = assertObjectName(c.req.param("name"));
  return c.json(deletedKeyBundle(c.get("vaultBaseUrl"), await callVault(c, { kind: "key.getDeleted", name }), c.get("apiVersion")));
});

deletedKeyRoutes.delete("/deletedkeys/:name", operation("key.purge"), async (c) => {
  const name = assertObjectName(c.req.param("name"));
  await callVault(c, { kind: "key.purge", name });
  return c.body(null, 204);
});

deletedKeyRoutes.post("/deletedkeys/:name/recover", operation("key.recover"), async (c) => {
  const name = assertObjectName(c.req.param("name"));
  return c.json(keyBundle(c.get("vaultBaseUrl"), await callVault(c, { kind: "key.recover", name }), c.get("apiVersion")));
});
