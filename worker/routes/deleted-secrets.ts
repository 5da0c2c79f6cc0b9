import { Hono } from "hono";
import type { AppEnv } from "../app-env.ts";
import { callVault } from "../clients/call-vault.ts";
import { operation } from "../middleware/operation.ts";
import { assertObjectName } from "../wire/assertions.ts";
import { filteredPageRequest, listBody } from "../wire/paging.ts";
import { deletedSecretBundle, deletedSecretItem, secretBundle } from "../wire/secret-bundle.ts";

/** Soft-deleted secrets (secrets.json DeletedSecrets operations). */
export const deletedSecretRoutes = new Hono<AppEnv>({ strict: false });

deletedSecretRoutes.get("/deletedsecrets", operation("secret.listDeleted"), async (c) => {
  const page = filteredPageRequest(new URL(c.req.url));
  const result = await callVault(c, { kind: "secret.listDeleted", page });
  const base = c.get("vaultBaseUrl");
  return c.json(listBody(result, (v) => deletedSecretItem(base, v), `${base}/deletedsecrets`, c.get("apiVersion"), page));
});

deletedSecretRoutes.get("/deletedsecrets/:name", operation("secret.getDeleted"), async (c) => {
  const name = assertObjectName(c.req.param("name"));
  const deleted = await callVault(c, { kind: "secret.getDeleted", name });
  return c.json(deletedSecretBundle(c.get("vaultBaseUrl"), deleted, c.get("apiVersion")));
});

deletedSecretRoutes.delete("/deletedsecrets/:name", operation("secret.purge"), async (c) => {
  const name = assertObjectName(c.req.param("name"));
  await callVault(c, { kind: "secret.purge", name });
  return c.body(null, 204);
});

deletedSecretRoutes.post("/deletedsecrets/:name/recover", operation("secret.recover"), async (c) => {
  const name = assertObjectName(c.req.param("name"));
  const recovered = await callVault(c, { kind: "secret.recover", name });
  return c.json(secretBundle(c.get("vaultBaseUrl"), recovered, c.get("apiVersion")));
});
