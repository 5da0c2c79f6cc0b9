import { Hono } from "hono";
import type { AppEnv } from "../app-env.ts";
import { callVault } from "../clients/call-vault.ts";
import { managedHsmOnly } from "../middleware/managed-hsm-only.ts";
import { operation } from "../middleware/operation.ts";
import { readJsonObject } from "../wire/json-body.ts";
import { badParameter } from "../../core/errors/vault-error.ts";

/**
 * A managed HSM's settings (settings.json, api-version 7.4-preview.1 on; docs/managed-hsm.md "Settings"). The list
 * is `{settings: [...]}`, as the service and the SDKs have it (the 7.4-preview.1 spec's `value` is read by no SDK).
 * Values are the strings "true" and "false", case-sensitive as Azure's are: Python's `update_setting(name, True)`
 * sends "True", which Azure refuses too.
 */
export const hsmSettingsRoutes = new Hono<AppEnv>({ strict: false });

const SETTING_NAME = /^[A-Za-z][A-Za-z0-9]{0,127}$/;

function settingName(raw: string | undefined): string {
  if (raw === undefined || !SETTING_NAME.test(raw)) throw badParameter(`The setting name '${raw ?? ""}' is not valid.`);
  return raw;
}

hsmSettingsRoutes.use("/settings", managedHsmOnly);
hsmSettingsRoutes.use("/settings/*", managedHsmOnly);

hsmSettingsRoutes.get("/settings", operation("hsm.listSettings"), async (c) => {
  return c.json({ settings: await callVault(c, { kind: "hsm.listSettings" }) });
});

hsmSettingsRoutes.get("/settings/:name", operation("hsm.getSetting"), async (c) => {
  return c.json(await callVault(c, { kind: "hsm.getSetting", name: settingName(c.req.param("name")) }));
});

hsmSettingsRoutes.patch("/settings/:name", operation("hsm.updateSetting"), async (c) => {
  const name = settingName(c.req.param("name"));
  const value = (await readJsonObject(c)).value;
  if (value !== "true" && value !== "false") throw badParameter(`The value of a boolean setting is "true" or "false"; got ${JSON.stringify(value)}.`);
  return c.json(await callVault(c, { kind: "hsm.updateSetting", name, value }));
});
