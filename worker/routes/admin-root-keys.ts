import { Hono } from "hono";
import type { AppEnv } from "../app-env.ts";
import { adminRoute } from "../middleware/admin-access.ts";
import { registryStub } from "../clients/tenant-stub.ts";
import { unwrap } from "../clients/unwrap.ts";
import { readJsonObject } from "../wire/json-body.ts";
import { badParameter } from "../../core/errors/vault-error.ts";

/**
 * Root-key rotation, the operator's (docs/root-key-rotation.md): `GET /rootKeys` (the versions, the current one and
 * the newest sweep's progress, the holders still to move named), `POST /rootKeys/rotate` (a sweep to the newest
 * version; `{"hsmKeyEncryptionKeys": true}` also gives every HSM-protected vault a new HSM key-encryption key) and
 * `POST /rootKeys/{version}/retire` (409 Conflict naming what still needs it). Mounted under /admin.
 */
export const adminRootKeyRoutes = new Hono<AppEnv>({ strict: false });

adminRoute(adminRootKeyRoutes, "RootKeyStatusGet", async (c) => c.json(await registryStub(c.env).rootKeyStatus()));

adminRoute(adminRootKeyRoutes, "RootKeyRotate", async (c) => {
  const empty = c.req.raw.body === null || c.req.header("content-length") === "0";
  const hsm = empty ? undefined : (await readJsonObject(c)).hsmKeyEncryptionKeys;
  if (hsm !== undefined && typeof hsm !== "boolean") throw badParameter("hsmKeyEncryptionKeys must be true or false.");
  return c.json(await registryStub(c.env).startRootKeySweep(hsm === true), 202);
});

adminRoute(adminRootKeyRoutes, "RootKeyRetire", async (c) => {
  const text = c.req.param("version");
  const version = /^\d{1,7}$/.test(text) ? Number(text) : NaN;
  if (!(version >= 1)) throw badParameter("The root key version must be a positive integer.");
  return c.json(unwrap(await registryStub(c.env).retireRootKey(version)));
});
