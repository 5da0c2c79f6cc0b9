import { hsmBackupKey, sealBackupBlob } from "../../core/crypto/envelope/hsm-backup-seal.ts";
import { nameKey } from "../../core/domain/objects/ids.ts";
import { parseKeyProperties } from "../../core/domain/objects/key-properties.ts";
import type { HsmJob } from "../storage/hsm-job-repository.ts";
import { backupBlobKey, type BackupBucket } from "./hsm-backup-bucket.ts";
import { BACKUP_FORMAT, MANIFEST_BLOB, RBAC_BLOB, keyBlobName, type BackupManifest, type RbacBackup } from "./hsm-backup-format.ts";
import { BACKUP_SECRET_TAG, domainSecrets } from "./hsm-domain-secrets.ts";
import { markHsmVersionsBackedUp } from "./hsm-key-lifecycle.ts";
import type { KeyBackup } from "./key-backup.ts";
import { openKeyMaterial } from "./key-material.ts";
import type { HsmAdministration, HsmDomain, ObjectStore, RotationStore, Sealing, Transactions, VaultScope } from "./vault-context.ts";

/**
 * A full backup, as the alarm runs it (docs/managed-hsm.md "Backup and restore"): every live key with all its
 * versions, and the custom roles and role assignments, into the job's folder, sealed under the security domain.
 * HSM key versions are marked backed up first, so a purge keeps their token objects for this backup. Run again
 * after a crash, it writes the same folder again: blobs are put whole, and the manifest, which names the rest, last.
 */
export type BackupContext = VaultScope & ObjectStore & Sealing & Transactions & HsmDomain & HsmAdministration & RotationStore;

const NAMES_PER_PAGE = 100;

function liveKeyNames(ctx: BackupContext): string[] {
  const names: string[] = [];
  let after = "";
  for (;;) {
    const page = ctx.objects.namesPage("key", false, after, NAMES_PER_PAGE, ctx.clock.now());
    names.push(...page.map((r) => r.state.name));
    if (page.length < NAMES_PER_PAGE) return names;
    after = nameKey(page[page.length - 1]?.state.name ?? "");
  }
}

async function keyPayload(ctx: BackupContext, name: string): Promise<KeyBackup> {
  const policy = ctx.rotations.get(nameKey(name))?.policy;
  const versions = await Promise.all(
    ctx.objects.allVersions("key", nameKey(name)).map(async (v) => ({
      version: v.version,
      attributes: v.attributes,
      ...(v.tags === undefined ? {} : { tags: v.tags }),
      managed: v.managed,
      value: { jwk: await openKeyMaterial(ctx, v), props: parseKeyProperties(v.props) },
    })),
  );
  return { name, versions, ...(policy === undefined ? {} : { rotationPolicy: policy }) };
}

/** The backup's key for this HSM's security domain. */
export async function backupKeyOf(ctx: BackupContext): Promise<CryptoKey> {
  const secret = (await domainSecrets(ctx)).get(BACKUP_SECRET_TAG);
  if (secret === undefined) throw new Error("the security domain holds no backup secret");
  return hsmBackupKey(new Uint8Array(secret));
}

export async function runBackup(ctx: BackupContext, job: HsmJob, bucket: BackupBucket): Promise<string> {
  const key = await backupKeyOf(ctx);
  const names = liveKeyNames(ctx);
  for (const name of names) markHsmVersionsBackedUp(ctx, name);
  const put = async (blob: string, payload: unknown) =>
    bucket.put(backupBlobKey(ctx.config.tenantId, job, blob), await sealBackupBlob(key, job.folder, blob, payload));
  const manifest: BackupManifest = {
    format: BACKUP_FORMAT,
    hsm: ctx.config.name,
    createdMs: ctx.clock.now(),
    keys: names.map((name, i) => ({ name, blob: keyBlobName(i) })),
  };
  for (const [i, name] of names.entries()) await put(keyBlobName(i), await keyPayload(ctx, name));
  const rbac: RbacBackup = { definitions: ctx.roleDefinitions.all(), assignments: ctx.roleAssignments.all() };
  await put(RBAC_BLOB, rbac);
  await put(MANIFEST_BLOB, manifest);
  return `Backed up ${names.length} key(s) and ${rbac.definitions.length} custom role(s), ${rbac.assignments.length} role assignment(s).`;
}

/** Pre-backup: the location is usable (listed, writable) and the HSM can seal a backup. Writes a probe blob. */
export async function runPreBackup(ctx: BackupContext, job: HsmJob, bucket: BackupBucket): Promise<string> {
  await backupKeyOf(ctx);
  await bucket.put(backupBlobKey(ctx.config.tenantId, job, "prebackup-probe"), new Uint8Array(0));
  return "The storage location can take a backup of this managed HSM.";
}
