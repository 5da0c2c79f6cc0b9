import type { CorsRules } from "../../core/domain/vault/cors-rules.ts";
import type { NetworkAcls } from "../../core/domain/vault/network-acls.ts";
import type { VaultConfig } from "../../core/domain/vault/vault-config.ts";
import { vaultStub } from "./vault-stub.ts";

/**
 * What the Worker decides by before a request reaches the vault object (docs/access-control.md): the vault's CORS
 * rule and firewall, read from the vault object and kept per isolate for {@link REQUEST_SETTINGS_TTL_MS}, as the
 * vault's settings are (vault-stub.ts). A change reaches every isolate within that time. The firewall is decided
 * again, authoritatively, by the vault object: a kept rule can refuse early, never admit.
 */
export const REQUEST_SETTINGS_TTL_MS = 30_000;

export interface RequestSettings {
  readonly cors: CorsRules | null;
  readonly networkAcls: NetworkAcls | null;
}

const kept = new Map<string, { settings: RequestSettings; expires: number }>();

export async function requestSettingsOf(env: Env, vault: VaultConfig): Promise<RequestSettings> {
  const key = vault.name.toLowerCase();
  const hit = kept.get(key);
  if (hit !== undefined && hit.expires > Date.now()) return hit.settings;
  const { cors, networkAcls } = await vaultStub(env, vault).operationalSettings();
  const settings = { cors, networkAcls };
  kept.set(key, { settings, expires: Date.now() + REQUEST_SETTINGS_TTL_MS });
  return settings;
}

/** The vault's settings just changed (admin API, this isolate): read them again at the next request. */
export function forgetRequestSettings(vaultName: string): void {
  kept.delete(vaultName.toLowerCase());
}
