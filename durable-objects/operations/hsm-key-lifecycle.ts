import { BridgeError } from "../../core/hsm/bridge-client/index.ts";
import { VaultError } from "../../core/errors/vault-error.ts";
import { vaultErrorOfBridge } from "../../core/hsm/bridge-faults.ts";
import { isHsmReference, type HsmKeyReference, type StoredKeyMaterial } from "../../core/hsm/hsm-key-reference.ts";
import { AZURE_KEY_TYPES } from "../../core/crypto/keys/key-types.ts";
import { nameKey } from "../../core/domain/objects/ids.ts";
import { parseKeyProperties, serializeKeyProperties } from "../../core/domain/objects/key-properties.ts";
import type { StoredVersion } from "../../core/domain/objects/versioned-object.ts";
import { openKeyMaterial } from "./key-material.ts";
import type { VaultScope, ObjectStore, Sealing, Transactions, KeyAccess } from "./vault-context.ts";

const KIND = "key";

/**
 * What backup and purge mean for HSM keys. The token objects are non-extractable, so a backup blob carries the
 * reference to the token object, not the key: such a backup restores while the HSM holds that object (Azure
 * likewise restores HSM backups only within the same HSM security domain). Purge destroys the token objects of
 * versions never backed up; a backed-up version's object is kept for its backup, as an Azure backup outlives a
 * purge.
 */
export function markHsmVersionsBackedUp(ctx: ObjectStore & Transactions, name: string): void {
  const unmarked = ctx.objects.allVersions(KIND, nameKey(name)).flatMap((v) => {
    const props = parseKeyProperties(v.props);
    return AZURE_KEY_TYPES[props.kty].hsm && props.backedUp !== true ? [{ ...v, props: serializeKeyProperties({ ...props, backedUp: true }) }] : [];
  });
  // A software key's backup stays a read (its audit record joins the group commit).
  if (unmarked.length === 0) return;
  ctx.transaction(() => {
    for (const v of unmarked) ctx.objects.updateMetadata(KIND, nameKey(name), v);
  });
}

/** Token objects to destroy once the purge of this (soft-deleted) key has committed. */
export function purgeableTokenKeys(ctx: VaultScope & ObjectStore & Sealing, name: string): Promise<HsmKeyReference[]> {
  return tokenKeysOf(ctx, ctx.objects.allVersions(KIND, nameKey(name)));
}

/** Token objects to destroy once the whole vault is deleted. */
export function vaultTokenKeys(ctx: VaultScope & ObjectStore & Sealing): Promise<HsmKeyReference[]> {
  return tokenKeysOf(ctx, ctx.objects.allVersionsOfKind(KIND));
}

async function tokenKeysOf(ctx: VaultScope & Sealing, versions: readonly StoredVersion[]): Promise<HsmKeyReference[]> {
  const unbackedHsm = versions.filter((v) => {
    const props = parseKeyProperties(v.props);
    return AZURE_KEY_TYPES[props.kty].hsm && props.backedUp !== true;
  });
  const materials = await Promise.all(unbackedHsm.map((v) => openKeyMaterial(ctx, v)));
  return materials.filter(isHsmReference);
}

/** Restoring an HSM key's backup needs the token objects it refers to; checked before anything is stored. */
export async function assertTokenHolds(ctx: KeyAccess, materials: readonly StoredKeyMaterial[]): Promise<void> {
  const references = materials.filter(isHsmReference);
  if (references.length === 0 || ctx.hsm === null) return;
  const bridge = ctx.hsm;
  const gone = (error: unknown): unknown =>
    error instanceof BridgeError && error.code === "KeyNotFound"
      ? new VaultError("BadParameter", "The backup refers to HSM key material that this vault's HSM no longer holds.")
      : vaultErrorOfBridge(error);
  await Promise.all(references.map((r) => bridge.call((c) => c.getKey(r.hsmKeyId), gone)));
}
