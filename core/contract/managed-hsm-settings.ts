/**
 * A managed HSM's account settings (settings.json, docs/managed-hsm.md "Settings"): named booleans with string
 * values, as Azure returns them (`{name, value: "true", type: "boolean"}`).
 */
export interface HsmSettingView {
  readonly name: string;
  readonly value: "true" | "false";
  readonly type: "boolean";
}

export type HsmSettingsOp =
  | { readonly kind: "hsm.listSettings" }
  | { readonly kind: "hsm.getSetting"; readonly name: string }
  | { readonly kind: "hsm.updateSetting"; readonly name: string; readonly value: "true" | "false" };

export interface HsmSettingsResults {
  "hsm.listSettings": HsmSettingView[];
  "hsm.getSetting": HsmSettingView;
  "hsm.updateSetting": HsmSettingView;
}
