import type { RootKeyMoveResult } from "../../core/contract/root-keys.ts";
import { tenantDataKeyOwner } from "../../core/crypto/envelope/aad.ts";
import { DataKey } from "../../core/crypto/envelope/data-key.ts";
import { RootKeyRing, type RootKeySecrets } from "../../core/crypto/envelope/root-key-ring.ts";

/** The tenant's data key as stored: sealed under one root key version's KEK (tenant migration 0010). */
export interface TenantWrappedKey {
  readonly wrapped: Uint8Array;
  readonly rootVersion: number;
}

/** What the tenant object lends the move: its data key as now held, and how to store a new wrapping. */
export interface TenantKeyHolder {
  held(): { readonly tenantId: string; readonly key: TenantWrappedKey } | null;
  store(key: TenantWrappedKey): void;
}

/** The tenant's root key ring: the deployment's secrets (its data key is never under a retired version). */
export const tenantRing = (env: RootKeySecrets): RootKeyRing => RootKeyRing.fromEnv(env);

/** A new tenant's data key, sealed under the current root key version. */
export async function newTenantDataKey(env: RootKeySecrets, tenantId: string): Promise<{ dataKey: DataKey; key: TenantWrappedKey }> {
  const { version, root } = await tenantRing(env).currentKey();
  const { dataKey, wrapped } = await DataKey.create(root, tenantDataKeyOwner(tenantId));
  return { dataKey, key: { wrapped, rootVersion: version } };
}

export async function openTenantDataKey(env: RootKeySecrets, tenantId: string, key: TenantWrappedKey): Promise<DataKey> {
  return DataKey.unwrap(await tenantRing(env).key(key.rootVersion), tenantDataKeyOwner(tenantId), key.wrapped);
}

/**
 * Root-key rotation of a tenant (docs/root-key-rotation.md): its data key re-wrapped under the newest version, the
 * same key, so its sealed signing keys and the signer already open stay as they are. One row: bounded work.
 */
export async function moveTenantRootKey(env: RootKeySecrets, holder: TenantKeyHolder): Promise<RootKeyMoveResult> {
  const before = holder.held();
  if (before === null) return { kind: "none" };
  const ring = tenantRing(env);
  if (before.key.rootVersion === ring.current) return { kind: "moved", rootVersion: before.key.rootVersion };
  const { version, root } = await ring.currentKey();
  const from = { root: await ring.key(before.key.rootVersion) };
  const wrapped = await DataKey.rewrap(tenantDataKeyOwner(before.tenantId), before.key.wrapped, from, { root });
  // The re-wrap awaited: a tenant removed or made again meanwhile is moved afresh, from what it holds now.
  if (holder.held()?.key !== before.key) return moveTenantRootKey(env, holder);
  holder.store({ wrapped, rootVersion: version });
  return { kind: "moved", rootVersion: version };
}
