import type { HsmBackupResults, HsmJobKind, HsmJobView } from "../../core/contract/managed-hsm-backup.ts";
import type { OpOf } from "../../core/contract/vault.ts";
import { toUnixSeconds } from "../../core/domain/clock.ts";
import { backupFolderName, type BackupLocation } from "../../core/domain/vault/hsm-backup-location.ts";
import { VaultError, badParameter } from "../../core/errors/vault-error.ts";
import type { HsmJob } from "../storage/hsm-job-repository.ts";
import type { BackupStorage, HsmJobs, Scheduling, Transactions, VaultScope } from "./vault-context.ts";

/**
 * Starting and polling a managed HSM's backup and restore jobs (backuprestore.json; docs/managed-hsm.md "Backup and
 * restore"). A start records the job InProgress, due at once, with the request's audit record, and arms the alarm,
 * which runs it (hsm-job-runner.ts): the first poll sees it in progress, as Azure's pollers expect.
 */
type Ctx = VaultScope & Transactions & Scheduling & HsmJobs & BackupStorage;
type Kinds = keyof HsmBackupResults;
type Handlers = { readonly [K in Kinds]: (ctx: Ctx, op: OpOf<K>) => Promise<HsmBackupResults[K]> };

const BACKUP_KINDS: readonly HsmJobKind[] = ["backup", "prebackup"];
const RESTORE_KINDS: readonly HsmJobKind[] = ["restore", "keyRestore", "prerestore"];

function view(job: HsmJob): HsmJobView {
  const { jobId, kind, status, statusDetails, error, startTime, endTime, folderUri } = job;
  return { jobId, kind, status, statusDetails, error, startTime, endTime, folderUri };
}

function start(ctx: Ctx, kind: HsmJobKind, location: BackupLocation, folder: string, keyName: string | null = null): HsmJobView {
  if (ctx.backups === null) throw badParameter("This deployment has no backup storage: its Worker has no BACKUPS R2 bucket binding.");
  const now = ctx.clock.now();
  const job: HsmJob = {
    jobId: crypto.randomUUID().replaceAll("-", ""),
    kind,
    status: "InProgress",
    statusDetails: null,
    error: null,
    startTime: toUnixSeconds(now),
    endTime: null,
    folderUri: null,
    storageUri: location.containerUri,
    account: location.account,
    container: location.container,
    folder,
    keyName,
    dueAt: now,
  };
  ctx.transaction(() => {
    ctx.hsmJobs.insert(job);
    ctx.reschedule();
  });
  return view(job);
}

function status(ctx: Ctx, id: string, kinds: readonly HsmJobKind[]): HsmJobView {
  const job = ctx.hsmJobs.get(id);
  if (job === null || !kinds.includes(job.kind)) throw new VaultError("NotFound", `The job '${id}' was not found.`);
  return view(job);
}

export const hsmBackupJobHandlers: Handlers = {
  async "hsm.startBackup"(ctx, op) {
    return start(ctx, "backup", op.location, backupFolderName(ctx.config.name, ctx.clock.now()));
  },
  async "hsm.preBackup"(ctx, op) {
    return start(ctx, "prebackup", op.location, backupFolderName(`${ctx.config.name}-check`, ctx.clock.now()));
  },
  async "hsm.startRestore"(ctx, op) {
    return start(ctx, "restore", op.location, op.folder);
  },
  async "hsm.preRestore"(ctx, op) {
    return start(ctx, "prerestore", op.location, op.folder);
  },
  async "hsm.startKeyRestore"(ctx, op) {
    return start(ctx, "keyRestore", op.location, op.folder, op.keyName);
  },
  async "hsm.backupStatus"(ctx, op) {
    return status(ctx, op.jobId, BACKUP_KINDS);
  },
  async "hsm.restoreStatus"(ctx, op) {
    return status(ctx, op.jobId, RESTORE_KINDS);
  },
};
