import { AZURE_KEY_TYPES, defaultKeyOps } from "../../core/crypto/keys/key-types.ts";
import { nameKey } from "../../core/domain/objects/ids.ts";
import { parseKeyProperties, serializeKeyProperties } from "../../core/domain/objects/key-properties.ts";
import { applyPatch } from "../../core/domain/objects/lifecycle.ts";
import { toUnixSeconds } from "../../core/domain/clock.ts";
import type { StoredVersion } from "../../core/domain/objects/versioned-object.ts";
import type { KeyMetadataInput, KeyResults } from "../../core/contract/keys.ts";
import type { OpOf } from "../../core/contract/vault.ts";
import { isKeyBackup } from "./key-backup.ts";
import { assertKeyTypeAllowed, keyTypeFor } from "../../core/crypto/keys/generate-for-spec.ts";
import { openKeyMaterial, propertiesFor, sealKeyMaterial, storeKeyVersion } from "./key-material.ts";
import { importByokKey } from "./byok-import.ts";
import { destroyTokenKeys, generateHsmKey, importHsmKey, storeHsmKeyVersion } from "./hsm-keys.ts";
import { assertTokenHolds, markHsmVersionsBackedUp, purgeableTokenKeys } from "./hsm-key-lifecycle.ts";
import { refreshRotation, rotateKey, rotationSpec } from "./key-rotation.ts";
import { keyReleaseHandlers } from "./key-release.ts";
import { releasePropsForNew, releasePropsForUpdate, type ReleaseProps } from "./key-release-rules.ts";
import type { HsmKeyMade } from "./hsm-keys.ts";
import { assertNotManaged } from "./managed-objects.ts";
import { deletedKeyView, keyView } from "./key-views.ts";
import { backUpObject, openObjectBackup, versionsFromBackup } from "./object-backup.ts";
import {
  deletedObject,
  deletedPage,
  livePage,
  liveVersion,
  purge,
  recover,
  restoreVersions,
  softDelete,
  versionsPage,
} from "./object-lifecycle.ts";
import type { VaultScope, ObjectStore, Sealing, Transactions, KeyAccess, Scheduling, EventOutbox, RotationStore } from "./vault-context.ts";

const KIND = "key";

type ManagementKinds = Exclude<
  keyof KeyResults,
  "key.sign" | "key.verify" | "key.encrypt" | "key.decrypt" | "key.wrap" | "key.unwrap" | "rng" | "key.release" | "key.getAttestation"
>;
type Handlers = { readonly [K in ManagementKinds]: (ctx: VaultScope & ObjectStore & Sealing & Transactions & KeyAccess & Scheduling & EventOutbox & RotationStore, op: OpOf<K>) => Promise<KeyResults[K]> };

/** What a created or imported version takes from its request besides material: name, attributes, tags. */
function versionMetadata(op: { readonly name: string } & KeyMetadataInput) {
  return {
    name: op.name,
    ...(op.attributes === undefined ? {} : { attributes: op.attributes }),
    ...(op.tags === undefined ? {} : { tags: op.tags }),
  };
}

/** An HSM key as made, with the request's release facts (the token made it; the vault keeps the facts). */
const withRelease = (made: HsmKeyMade, release: ReleaseProps): HsmKeyMade => ({ ...made, props: { ...made.props, ...release } });

/** Key management (Azure REST "Keys" operations other than cryptography). */
const managementHandlers: Handlers = {
  // The vault object has already checked the caller's role for keys/create/action: nothing is left to do.
  async "key.createPreflight"() {
    return null;
  },

  async "key.create"(ctx, op) {
    assertKeyTypeAllowed(ctx.config, op.kty, ctx.hsm !== null);
    const keyOps = op.keyOps ?? defaultKeyOps(AZURE_KEY_TYPES[op.kty].family);
    const metadata = versionMetadata(op);
    const release = releasePropsForNew(ctx.config, op);
    const stored =
      op.hsmSpec !== undefined
        ? await storeHsmKeyVersion(ctx, withRelease(await generateHsmKey(ctx, op.hsmSpec, keyOps, release.exportable), release), metadata)
        : await storeKeyVersion(ctx, { ...metadata, material: op.jwk, props: { ...propertiesFor(op.jwk, op.kty, keyOps), ...release } });
    refreshRotation(ctx, op.name);
    return keyView(ctx.config, stored);
  },

  async "key.import"(ctx, op) {
    assertNotManaged(ctx, "key", op.name, "import");
    const kty = keyTypeFor(ctx.config, op.hsm ? (`${op.jwk.kty}-HSM` as const) : op.jwk.kty);
    assertKeyTypeAllowed(ctx.config, kty, ctx.hsm !== null);
    const keyOps = op.keyOps ?? defaultKeyOps(op.jwk.kty);
    const metadata = versionMetadata(op);
    const release = releasePropsForNew(ctx.config, op);
    const stored = AZURE_KEY_TYPES[kty].hsm
      ? await storeHsmKeyVersion(ctx, withRelease(await importHsmKey(ctx, op.jwk, keyOps, release.exportable), release), metadata)
      : await storeKeyVersion(ctx, { ...metadata, material: op.jwk, props: { ...propertiesFor(op.jwk, kty, keyOps), ...release } });
    refreshRotation(ctx, op.name);
    return keyView(ctx.config, stored);
  },

  async "key.importByok"(ctx, op) {
    assertNotManaged(ctx, "key", op.name, "import");
    assertKeyTypeAllowed(ctx.config, op.target.kty, ctx.hsm !== null);
    const keyOps = op.keyOps ?? defaultKeyOps(AZURE_KEY_TYPES[op.target.kty].family);
    const release = releasePropsForNew(ctx.config, op);
    const stored = await storeHsmKeyVersion(ctx, withRelease(await importByokKey(ctx, op.target, op.transfer, keyOps, release.exportable), release), versionMetadata(op));
    refreshRotation(ctx, op.name);
    return keyView(ctx.config, stored);
  },

  // A disabled key's public part is still readable (UpdateEcHsmKeyEnabled recording: GET → 200).
  async "key.get"(ctx, op) {
    return keyView(ctx.config, liveVersion(ctx, KIND, op.name, op.version));
  },

  async "key.update"(ctx, op) {
    assertNotManaged(ctx, "key", op.name, "update");
    const updated = ctx.transaction(() => {
      const v = liveVersion(ctx, KIND, op.name, op.version);
      const props = parseKeyProperties(v.props);
      const next: StoredVersion = {
        ...v,
        attributes: applyPatch(v.attributes, op.attributes, ctx.clock.now()),
        ...(op.tags === undefined ? {} : { tags: op.tags }),
        props: serializeKeyProperties({ ...props, ...(op.keyOps === undefined ? {} : { keyOps: [...op.keyOps] }), ...releasePropsForUpdate(props, op) }),
      };
      ctx.objects.updateMetadata(KIND, nameKey(op.name), next);
      ctx.events.expiryInputsChanged(KIND, op.name);
      // A new expiry on the latest version moves a timeBeforeExpiry rotation.
      refreshRotation(ctx, op.name);
      return next;
    });
    return keyView(ctx.config, updated);
  },

  async "key.delete"(ctx, op) {
    assertNotManaged(ctx, "key", op.name, "delete");
    const { state, latest } = softDelete(ctx, KIND, op.name);
    refreshRotation(ctx, op.name);
    return deletedKeyView(ctx.config, state, latest);
  },

  async "key.list"(ctx, op) {
    return livePage(ctx, KIND, op.page, (r) => keyView(ctx.config, r.latest));
  },

  async "key.listVersions"(ctx, op) {
    return versionsPage(ctx, KIND, op.name, op.page, (v) => keyView(ctx.config, v));
  },

  async "key.backup"(ctx, op) {
    const policy = ctx.rotations.get(nameKey(op.name))?.policy;
    const backup = await backUpObject(
      ctx,
      KIND,
      op.name,
      async (v) => ({ jwk: await openKeyMaterial(ctx, v), props: parseKeyProperties(v.props) }),
      policy === undefined ? {} : { rotationPolicy: policy },
    );
    markHsmVersionsBackedUp(ctx, op.name);
    return backup;
  },

  async "key.restore"(ctx, op) {
    const backup = await openObjectBackup(ctx, KIND, op.blob, isKeyBackup);
    for (const v of backup.versions) assertKeyTypeAllowed(ctx.config, v.value.props.kty, ctx.hsm !== null);
    await assertTokenHolds(ctx, backup.versions.map((v) => v.value.jwk));
    const versions = await versionsFromBackup(backup.name, backup.versions, async (v) => ({
      sealedValue: await sealKeyMaterial(ctx, backup.name, v.version, v.value.jwk),
      // A restored HSM version's token object is the backup's too: a purge must leave it for the next restore.
      props: serializeKeyProperties(AZURE_KEY_TYPES[v.value.props.kty].hsm ? { ...v.value.props, backedUp: true } : v.value.props),
    }));
    const latest = ctx.transaction(() => {
      const restored = restoreVersions(ctx, KIND, backup.name, versions);
      if (backup.rotationPolicy !== undefined) ctx.rotations.put(nameKey(backup.name), backup.rotationPolicy, null);
      refreshRotation(ctx, backup.name);
      return restored;
    });
    return keyView(ctx.config, latest);
  },

  async "key.listDeleted"(ctx, op) {
    return deletedPage(ctx, KIND, op.page, (r) => deletedKeyView(ctx.config, r.state, r.latest));
  },

  async "key.getDeleted"(ctx, op) {
    const { state, latest } = deletedObject(ctx, KIND, op.name);
    return deletedKeyView(ctx.config, state, latest);
  },

  async "key.recover"(ctx, op) {
    const latest = recover(ctx, KIND, op.name);
    refreshRotation(ctx, op.name);
    return keyView(ctx.config, latest);
  },

  async "key.purge"(ctx, op) {
    const tokenKeys = await purgeableTokenKeys(ctx, op.name);
    purge(ctx, KIND, op.name);
    await destroyTokenKeys(ctx, tokenKeys);
    return null;
  },

  async "key.rotationSpec"(ctx, op) {
    assertNotManaged(ctx, "key", op.name, "rotate");
    return rotationSpec(ctx, op.name);
  },

  async "key.rotate"(ctx, op) {
    return keyView(ctx.config, await rotateKey(ctx, op.name, op.jwk));
  },

  async "key.getRotationPolicy"(ctx, op) {
    const v = liveVersion(ctx, KIND, op.name, undefined);
    return { name: v.name, policy: ctx.rotations.get(nameKey(op.name))?.policy ?? null };
  },

  async "key.setRotationPolicy"(ctx, op) {
    return ctx.transaction(() => {
      const v = liveVersion(ctx, KIND, op.name, undefined);
      const key = nameKey(op.name);
      const now = toUnixSeconds(ctx.clock.now());
      const policy = { ...op.policy, created: ctx.rotations.get(key)?.policy.created ?? now, updated: now };
      ctx.rotations.put(key, policy, null);
      refreshRotation(ctx, op.name);
      // A Notify action's timeBeforeExpiry is a KeyNearExpiry lead time.
      ctx.events.expiryInputsChanged(KIND, op.name);
      return { name: v.name, policy };
    });
  },
};

/** Key management, and secure key release beside it (key-release.ts). */
export const keyHandlers = { ...managementHandlers, ...keyReleaseHandlers };
