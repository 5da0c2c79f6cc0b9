import type { CorsRules } from "../../core/domain/vault/cors-rules.ts";
import type { VaultConfig } from "../../core/domain/vault/vault-config.ts";
import { vaultStub } from "./vault-stub.ts";

/**
 * A vault's CORS rule as the Worker answers browsers by it (docs/access-control.md "CORS"): read from the vault
 * object and kept per isolate for {@link CORS_TTL_MS}, as the vault's settings are (vault-stub.ts), so a preflight
 * costs no call to the vault most of the time. A changed rule reaches every isolate within that time; CORS is the
 * browser's protection of its user, not the vault's (every request still needs its token and role).
 */
export const CORS_TTL_MS = 30_000;

const kept = new Map<string, { rules: CorsRules | null; expires: number }>();

export async function corsRulesOf(env: Env, vault: VaultConfig): Promise<CorsRules | null> {
  const key = vault.name.toLowerCase();
  const hit = kept.get(key);
  if (hit !== undefined && hit.expires > Date.now()) return hit.rules;
  const rules = (await vaultStub(env, vault).operationalSettings()).cors;
  kept.set(key, { rules, expires: Date.now() + CORS_TTL_MS });
  return rules;
}

/** The vault's settings just changed (admin API, this isolate): read them again at the next request. */
export function forgetCors(vaultName: string): void {
  kept.delete(vaultName.toLowerCase());
}
