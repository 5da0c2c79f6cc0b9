import { VaultError } from "../../core/errors/vault-error.ts";
import { utf8 } from "../../core/crypto/bytes.ts";
import { nameKey, newVersionId } from "../../core/domain/objects/ids.ts";
import { applyPatch, newAttributes } from "../../core/domain/objects/lifecycle.ts";
import type { StoredVersion } from "../../core/domain/objects/versioned-object.ts";
import type { SecretResults } from "../../core/contract/secrets.ts";
import type { OpOf } from "../../core/contract/vault.ts";
import { backUpObject, openObjectBackup, versionsFromBackup } from "./object-backup.ts";
import {
  deletedObject,
  deletedPage,
  insertNewVersion,
  livePage,
  liveVersion,
  purge,
  recover,
  restoreVersions,
  softDelete,
  versionsPage,
} from "./object-lifecycle.ts";
import { isSecretBackup } from "./secret-backup.ts";
import { deletedSecretBundleView, deletedSecretView, secretBundleView, secretView } from "./secret-views.ts";
import { valueAad } from "../../core/crypto/envelope/aad.ts";
import type { VaultScope, ObjectStore, Sealing, Transactions, Scheduling, EventOutbox } from "./vault-context.ts";
import { openValue, sealValue } from "./sealed-values.ts";
import { assertNotManaged } from "./managed-objects.ts";

const KIND = "secret";
const decoder = new TextDecoder();

/** Azure: "Operation get is not allowed on a disabled secret." (keyvault-secrets recordings). */
const secretDisabled = (): VaultError =>
  new VaultError("Forbidden", "Operation get is not allowed on a disabled secret.", "SecretDisabled");

type Handlers = { readonly [K in keyof SecretResults]: (ctx: VaultScope & ObjectStore & Sealing & Transactions & Scheduling & EventOutbox, op: OpOf<K>) => Promise<SecretResults[K]> };

/**
 * The secrets API (Azure REST "Secrets" operations). Crypto is awaited first; the reads that decide
 * and the writes that follow run synchronously, so no other request can interleave between them.
 */
export const secretHandlers: Handlers = {
  async "secret.set"(ctx, op) {
    assertNotManaged(ctx, "secret", op.name, "set");
    const version = newVersionId();
    const sealedValue = await sealValue(ctx, valueAad(ctx.config, KIND, nameKey(op.name), version), utf8(op.value));
    const stored = insertNewVersion(ctx, KIND, op.name, (name, seq) => ({
      name,
      version,
      seq,
      attributes: newAttributes(op.attributes, ctx.clock.now()),
      ...(op.contentType === undefined ? {} : { contentType: op.contentType }),
      ...(op.tags === undefined ? {} : { tags: op.tags }),
      managed: false,
      sealedValue,
    }));
    return secretBundleView(ctx, stored, op.value);
  },

  async "secret.get"(ctx, op) {
    const v = liveVersion(ctx, KIND, op.name, op.version);
    // Secrets' nbf/exp are informational (about-secrets.md); only `enabled` gates reading the value.
    if (!v.attributes.enabled) throw secretDisabled();
    const plain = await openValue(ctx, valueAad(ctx.config, KIND, nameKey(op.name), v.version), v.sealedValue);
    return secretBundleView(ctx, v, decoder.decode(plain));
  },

  async "secret.update"(ctx, op) {
    assertNotManaged(ctx, "secret", op.name, "update");
    const updated = ctx.transaction(() => {
      const v = liveVersion(ctx, KIND, op.name, op.version);
      const next: StoredVersion = {
        ...v,
        attributes: applyPatch(v.attributes, op.attributes, ctx.clock.now()),
        ...(op.contentType === undefined ? {} : { contentType: op.contentType }),
        ...(op.tags === undefined ? {} : { tags: op.tags }),
      };
      ctx.objects.updateMetadata(KIND, nameKey(op.name), next);
      ctx.events.expiryInputsChanged(KIND, op.name);
      return next;
    });
    return secretBundleView(ctx, updated);
  },

  async "secret.delete"(ctx, op) {
    assertNotManaged(ctx, "secret", op.name, "delete");
    const { state, latest } = softDelete(ctx, KIND, op.name);
    return deletedSecretBundleView(ctx, state, latest);
  },

  async "secret.list"(ctx, op) {
    return livePage(ctx, KIND, op.page, (r) => secretView(ctx.config, r.latest));
  },

  async "secret.listVersions"(ctx, op) {
    return versionsPage(ctx, KIND, op.name, op.page, (v) => secretView(ctx.config, v));
  },

  async "secret.backup"(ctx, op) {
    const dataKey = await ctx.dataKey();
    return await backUpObject(ctx, KIND, op.name, async (v) => ({
      value: decoder.decode(await dataKey.open(v.sealedValue, valueAad(ctx.config, KIND, nameKey(v.name), v.version))),
      ...(v.contentType === undefined ? {} : { contentType: v.contentType }),
    }));
  },

  async "secret.restore"(ctx, op) {
    const backup = await openObjectBackup(ctx, KIND, op.blob, isSecretBackup);
    const dataKey = await ctx.dataKey();
    const versions = await versionsFromBackup(backup.name, backup.versions, async (v) => ({
      sealedValue: await dataKey.seal(utf8(v.value.value), valueAad(ctx.config, KIND, nameKey(backup.name), v.version)),
      ...(v.value.contentType === undefined ? {} : { contentType: v.value.contentType }),
    }));
    return secretBundleView(ctx, restoreVersions(ctx, KIND, backup.name, versions));
  },

  async "secret.listDeleted"(ctx, op) {
    return deletedPage(ctx, KIND, op.page, (r) => deletedSecretView(ctx.config, r.state, r.latest));
  },

  async "secret.getDeleted"(ctx, op) {
    const { state, latest } = deletedObject(ctx, KIND, op.name);
    return deletedSecretBundleView(ctx, state, latest);
  },

  async "secret.recover"(ctx, op) {
    return secretBundleView(ctx, recover(ctx, KIND, op.name));
  },

  async "secret.purge"(ctx, op) {
    purge(ctx, KIND, op.name);
    return null;
  },
};
