import type { HsmSettingsResults, HsmSettingView } from "../../core/contract/managed-hsm-settings.ts";
import type { OpOf } from "../../core/contract/vault.ts";
import { HSM_SETTINGS, hsmSettingNamed, type HsmSettingName } from "../../core/domain/vault/hsm-settings.ts";
import { VaultError } from "../../core/errors/vault-error.ts";
import type { HsmAdministration, Transactions } from "./vault-context.ts";

/** A managed HSM's settings (settings.json; docs/managed-hsm.md "Settings"): read, and changed one at a time. */
type Ctx = Transactions & HsmAdministration;
type Kinds = keyof HsmSettingsResults;
type Handlers = { readonly [K in Kinds]: (ctx: Ctx, op: OpOf<K>) => Promise<HsmSettingsResults[K]> };

function settingNamed(name: string): HsmSettingName {
  const known = hsmSettingNamed(name);
  if (known === undefined) throw new VaultError("NotFound", `The setting '${name}' does not exist.`);
  return known;
}

function viewOf(stored: Map<string, string>, name: HsmSettingName): HsmSettingView {
  const value = stored.get(name) === "true" ? "true" : stored.get(name) === "false" ? "false" : HSM_SETTINGS[name].default;
  return { name, value, type: "boolean" };
}

export const hsmSettingsHandlers: Handlers = {
  async "hsm.listSettings"(ctx) {
    const stored = ctx.hsmSettings.all();
    return (Object.keys(HSM_SETTINGS) as HsmSettingName[]).map((name) => viewOf(stored, name));
  },

  async "hsm.getSetting"(ctx, op) {
    return viewOf(ctx.hsmSettings.all(), settingNamed(op.name));
  },

  async "hsm.updateSetting"(ctx, op) {
    const name = settingNamed(op.name);
    ctx.transaction(() => ctx.hsmSettings.put(name, op.value));
    return { name, value: op.value, type: "boolean" };
  },
};
