import type { VaultConfig } from "../../core/domain/vault/vault-config.ts";
import type { OpKind, OpOf, VaultCall, VaultResults } from "../../core/contract/vault.ts";
import type { Result } from "../../core/errors/result.ts";
import { unwrap } from "./unwrap.ts";

/** Vault objects are named by the lower-cased vault name, which makes names globally unique. */
export function vaultStub(env: Env, vaultName: string) {
  return env.VAULT.get(env.VAULT.idFromName(vaultName.toLowerCase()));
}

/** One data-plane RPC, typed per operation (RPC stubs do not carry the method's generic). */
export async function executeOnVault<K extends OpKind>(
  env: Env,
  vaultName: string,
  call: VaultCall & { readonly op: OpOf<K> },
): Promise<VaultResults[K]> {
  const result = (await vaultStub(env, vaultName).execute(call)) as Result<VaultResults[K]>;
  return unwrap(result);
}

const META_TTL_MS = 30_000;
const metaCache = new Map<string, { config: VaultConfig; expires: number }>();

/**
 * Vault settings per isolate for 30 s: the challenge needs the tenant before anything else, and a
 * data-plane request should cost one RPC. The vault object re-checks the tenant on every call,
 * so a stale entry can only produce a refusal, never access.
 */
export async function describeVault(env: Env, vaultName: string): Promise<VaultConfig | null> {
  const key = vaultName.toLowerCase();
  const cached = metaCache.get(key);
  if (cached !== undefined && cached.expires > Date.now()) return cached.config;
  const config = await vaultStub(env, key).describe();
  if (config === null) metaCache.delete(key);
  else metaCache.set(key, { config, expires: Date.now() + META_TTL_MS });
  return config;
}

export function forgetVault(vaultName: string): void {
  metaCache.delete(vaultName.toLowerCase());
}
