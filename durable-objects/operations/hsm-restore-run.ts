import { openBackupBlob } from "../../core/crypto/envelope/hsm-backup-seal.ts";
import { AZURE_KEY_TYPES } from "../../core/crypto/keys/key-types.ts";
import { nameKey } from "../../core/domain/objects/ids.ts";
import { serializeKeyProperties } from "../../core/domain/objects/key-properties.ts";
import type { HsmJob } from "../storage/hsm-job-repository.ts";
import { backupBlobKey, type BackupBucket } from "./hsm-backup-bucket.ts";
import { MANIFEST_BLOB, RBAC_BLOB, isManifest, isRbacBackup, type BackupManifest, type RbacBackup } from "./hsm-backup-format.ts";
import { backupKeyOf, type BackupContext } from "./hsm-backup-run.ts";
import { assertTokenHolds } from "./hsm-key-lifecycle.ts";
import { JobFailure } from "./hsm-job-failure.ts";
import { isKeyBackup, type KeyBackup } from "./key-backup.ts";
import { sealKeyMaterial } from "./key-material.ts";
import { refreshRotation } from "./key-rotation.ts";
import { versionsFromBackup } from "./object-backup.ts";
import type { EventOutbox, KeyAccess, Scheduling } from "./vault-context.ts";

/**
 * Full restore and selective key restore, as the alarm runs them (docs/managed-hsm.md "Backup and restore"). Every
 * blob is read and opened, and every HSM key's token object checked, before anything changes; then one transaction
 * replaces each restored key's name (all its versions, as backed up, with the same ids) and adds the backed-up
 * custom roles and role assignments this HSM lacks (its own stay: its administrators keep their access). So a
 * restore ends complete or not at all, and a run cut short by a crash is run again whole.
 */
export type RestoreContext = BackupContext & KeyAccess & EventOutbox & Scheduling;

const UNREADABLE = "The backup could not be read with this managed HSM's security domain, or it is incomplete.";

async function blob<T>(ctx: RestoreContext, job: HsmJob, bucket: BackupBucket, key: CryptoKey, name: string, valid: (v: unknown) => v is T): Promise<T> {
  const sealed = await bucket.get(backupBlobKey(ctx.config.tenantId, job, name));
  if (sealed === null) throw new JobFailure("BackupNotFound", `The folder '${job.folder}' holds no backup of a managed HSM (no '${name}').`);
  const payload = await openBackupBlob(key, job.folder, name, sealed);
  if (!valid(payload)) throw new JobFailure("InvalidBackup", UNREADABLE);
  return payload;
}

function manifestOf(ctx: RestoreContext, job: HsmJob, bucket: BackupBucket, key: CryptoKey): Promise<BackupManifest> {
  return blob(ctx, job, bucket, key, MANIFEST_BLOB, isManifest);
}

async function restore(ctx: RestoreContext, keys: readonly KeyBackup[], rbac: RbacBackup | null): Promise<void> {
  await assertTokenHolds(ctx, keys.flatMap((k) => k.versions.map((v) => v.value.jwk))).catch(() => {
    throw new JobFailure("InvalidBackup", "The backup refers to HSM key material that this HSM's token no longer holds.");
  });
  const prepared = await Promise.all(
    keys.map(async (k) => ({
      backup: k,
      versions: await versionsFromBackup(k.name, k.versions, async (v) => ({
        sealedValue: await sealKeyMaterial(ctx, k.name, v.version, v.value.jwk),
        props: serializeKeyProperties(AZURE_KEY_TYPES[v.value.props.kty].hsm ? { ...v.value.props, backedUp: true } : v.value.props),
      })),
    })),
  );
  ctx.transaction(() => {
    for (const { backup, versions } of prepared) {
      const key = nameKey(backup.name);
      // The name is replaced whole; its token objects are kept (a backup may still refer to them).
      if (ctx.objects.findName("key", key) !== null) ctx.objects.purge("key", key);
      ctx.objects.insertName("key", key, backup.name);
      for (const v of versions) ctx.objects.insertVersion("key", key, v);
      if (backup.rotationPolicy !== undefined) ctx.rotations.put(key, backup.rotationPolicy, null);
      refreshRotation(ctx, backup.name);
      ctx.events.expiryInputsChanged("key", backup.name);
    }
    if (rbac !== null) {
      for (const d of rbac.definitions) if (ctx.roleDefinitions.get(d.id) === null) ctx.roleDefinitions.put(d, ctx.clock.now());
      for (const a of rbac.assignments) if (ctx.roleAssignments.get(a.id) === null) ctx.roleAssignments.put(a);
      ctx.events.accessPolicyChanged();
    }
  });
  if (rbac !== null) ctx.accessChanged();
}

export async function runRestore(ctx: RestoreContext, job: HsmJob, bucket: BackupBucket): Promise<string> {
  const key = await backupKeyOf(ctx);
  const manifest = await manifestOf(ctx, job, bucket, key);
  const keys = await Promise.all(manifest.keys.map((k) => blob(ctx, job, bucket, key, k.blob, isKeyBackup)));
  const rbac = await blob(ctx, job, bucket, key, RBAC_BLOB, isRbacBackup);
  await restore(ctx, keys, rbac);
  return `Restored ${keys.length} key(s) from the backup of '${manifest.hsm}'.`;
}

export async function runKeyRestore(ctx: RestoreContext, job: HsmJob, bucket: BackupBucket): Promise<string> {
  const key = await backupKeyOf(ctx);
  const manifest = await manifestOf(ctx, job, bucket, key);
  const wanted = (job.keyName ?? "").toLowerCase();
  const entry = manifest.keys.find((k) => k.name.toLowerCase() === wanted);
  if (entry === undefined) throw new JobFailure("KeyNotFound", `The backup in '${job.folder}' holds no key named '${job.keyName ?? ""}'.`);
  await restore(ctx, [await blob(ctx, job, bucket, key, entry.blob, isKeyBackup)], null);
  return `Restored key '${entry.name}' from the backup of '${manifest.hsm}'.`;
}

/** Pre-restore: the folder holds a backup this HSM's security domain opens. Changes nothing. */
export async function runPreRestore(ctx: RestoreContext, job: HsmJob, bucket: BackupBucket): Promise<string> {
  const manifest = await manifestOf(ctx, job, bucket, await backupKeyOf(ctx));
  return `The folder holds a backup of '${manifest.hsm}' with ${manifest.keys.length} key(s) this managed HSM can restore.`;
}
