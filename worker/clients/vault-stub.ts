import type { VaultConfig } from "../../core/domain/vault/vault-config.ts";
import type { Jurisdiction, VaultPlacement } from "../../core/domain/vault/placement.ts";
import type { OpKind, OpOf, VaultCall, VaultResults } from "../../core/contract/vault.ts";
import type { Result } from "../../core/errors/result.ts";
import { badParameter } from "../../core/errors/vault-error.ts";
import { unwrap } from "./unwrap.ts";
import { namespaceIn, vaultObjectAt } from "../../core/domain/vault/vault-object-address.ts";

/**
 * What reaches a vault's object: its name and its placement (docs/placement.md). Vault objects are named by the
 * lower-cased vault name, which makes names globally unique; a vault made in a jurisdiction is that name's object in
 * the jurisdiction's namespace, `env.VAULT.jurisdiction(j).idFromName(name)`, whose id differs from the default
 * namespace's. A VaultConfig is a VaultAddress.
 */
export type VaultAddress = Pick<VaultConfig, "name" | "placement">;

/** Whether this deployment stands in for jurisdictions with default-namespace objects (core vault-object-address.ts). */
const localStandIn = (env: Env): boolean => env.LOCAL_IMDS === "true";

/** Whether this deployment can make objects in `jurisdiction` (checked before a vault is reserved). */
export function assertJurisdictionAvailable(env: Env, jurisdiction: Jurisdiction | undefined): void {
  if (jurisdiction === undefined) return;
  try {
    namespaceIn(env.VAULT, localStandIn(env), jurisdiction);
  } catch {
    throw badParameter(`placement.jurisdiction '${jurisdiction}' is not available: this runtime has no Durable Object jurisdictions.`);
  }
}

/** The object of a name in a placement (core/domain/vault/vault-object-address.ts holds the rule). */
function objectAt(env: Env, key: string, placement: VaultPlacement | undefined) {
  return vaultObjectAt(env.VAULT, localStandIn(env), key, placement);
}

/**
 * Where each vault name was last found, per isolate. A vault's placement never changes, so this never expires; a
 * vault deleted and made again elsewhere is found again through its name's pointer when the old place answers that it
 * holds no vault (locateVault). Only names of vaults found are kept, so unknown hosts cannot grow it.
 */
const placements = new Map<string, VaultPlacement | undefined>();

/**
 * The vault's object. Give the vault's config (or address): a bare name is resolved through the placements this
 * isolate has found, which the data plane's resolveVault and the admin routes' requireVault always fill first; a
 * name never found here goes to the default namespace, whose object of a jurisdiction vault's name holds no vault, so
 * a miss is "not found", never another vault's data.
 */
export function vaultStub(env: Env, vault: VaultAddress | string) {
  const address = typeof vault === "string" ? { name: vault, placement: placements.get(vault.toLowerCase()) } : vault;
  return objectAt(env, address.name.toLowerCase(), address.placement);
}

/** The name's object in the default namespace: the vault itself, or where its pointer is kept (docs/placement.md). */
function pointerHolder(env: Env, key: string, placement: VaultPlacement | undefined) {
  return objectAt(env, key, placement?.locationHint === undefined ? undefined : { locationHint: placement.locationHint });
}

/**
 * The vault's settings wherever it was placed, or null. Costs one RPC when this isolate knows where the vault is (or
 * it is in the default namespace); a vault in a jurisdiction found for the first time, or after its name was re-made
 * elsewhere, costs one more, to its name's default-namespace object. The registry is never asked.
 */
export async function locateVault(env: Env, vaultName: string): Promise<VaultConfig | null> {
  const key = vaultName.toLowerCase();
  const known = placements.get(key);
  if (known?.jurisdiction !== undefined) {
    const config = await objectAt(env, key, known).describe();
    if (config !== null) return found(key, config, known);
  }
  const location = await pointerHolder(env, key, known).locate();
  if (location === null) return lost(key);
  if (location.kind === "vault") return found(key, location.config, undefined);
  const config = await objectAt(env, key, location.placement).describe();
  return config === null ? lost(key) : found(key, config, location.placement);
}

/**
 * A vault answered from the place it was reached at. Its own record of its jurisdiction must agree with that
 * place; if it ever did not, the address it would give later calls leads elsewhere, so it is refused as not found.
 */
function found(key: string, config: VaultConfig, reachedIn: VaultPlacement | undefined): VaultConfig | null {
  if (config.placement?.jurisdiction !== reachedIn?.jurisdiction) {
    console.error(JSON.stringify({ event: "vault-placement-mismatch", vault: key, reachedIn: reachedIn?.jurisdiction ?? null }));
    return lost(key);
  }
  placements.set(key, config.placement);
  return config;
}

function lost(key: string): null {
  placements.delete(key);
  return null;
}

/** One data-plane RPC, typed per operation (RPC stubs do not carry the method's generic). */
export async function executeOnVault<K extends OpKind>(
  env: Env,
  vault: VaultAddress | string,
  call: VaultCall & { readonly op: OpOf<K> },
): Promise<VaultResults[K]> {
  return unwrapFrom(vault, (await vaultStub(env, vault).execute(call)) as Result<VaultResults[K]>);
}

/**
 * A vault object's answer, unwrapped. The settings cached below may be those of a vault deleted since (and perhaps
 * made again elsewhere): on VaultNotFound the next request of this isolate looks again instead of being sent to the
 * empty object for up to 30 s more. Every data-plane call's answer goes through here.
 */
export function unwrapFrom<T>(vault: VaultAddress | string, result: Result<T>): T {
  if (!result.ok && result.error.code === "VaultNotFound") forgetVault(typeof vault === "string" ? vault : vault.name);
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
  const config = await locateVault(env, key);
  if (config === null) metaCache.delete(key);
  else metaCache.set(key, { config, expires: Date.now() + META_TTL_MS });
  return config;
}

export function forgetVault(vaultName: string): void {
  metaCache.delete(vaultName.toLowerCase());
  placements.delete(vaultName.toLowerCase());
}

/**
 * Control plane, before a vault is made in a jurisdiction: its name's default-namespace object points there, so the
 * data plane can find it. Made with the vault's location hint, like the vault, so the first lookup is near its users.
 */
export async function pointToVault(env: Env, key: string, placement: VaultPlacement): Promise<void> {
  unwrap(await pointerHolder(env, key, placement).pointTo(placement));
}

/** Control plane, once a jurisdiction vault is gone (or was never made): its pointer goes too. */
export async function dropVaultPointer(env: Env, key: string): Promise<void> {
  unwrap(await pointerHolder(env, key, undefined).pointTo(null));
}
