/**
 * The settings a managed HSM has (settings.json `Setting`; docs/managed-hsm.md "Settings"), each a boolean carried as
 * the string "true" or "false", with its default. Azure lists `AllowKeyManagementOperationsThroughARM` (default
 * false: key management through ARM's `Microsoft.KeyVault/managedHSMs/keys` is refused unless it is on); this product
 * has no ARM surface, so the setting is kept and reported for the clients and tools that read it, and allows nothing.
 */
export const HSM_SETTINGS = {
  AllowKeyManagementOperationsThroughARM: { default: "false" },
} as const satisfies Record<string, { readonly default: "true" | "false" }>;

export type HsmSettingName = keyof typeof HSM_SETTINGS;

/** Setting names as Azure spells them; a request's name is matched ignoring case. */
export function hsmSettingNamed(name: string): HsmSettingName | undefined {
  return (Object.keys(HSM_SETTINGS) as HsmSettingName[]).find((known) => known.toLowerCase() === name.toLowerCase());
}
