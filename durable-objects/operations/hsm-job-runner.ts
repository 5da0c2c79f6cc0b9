import type { HsmJobKind } from "../../core/contract/managed-hsm-backup.ts";
import { toUnixSeconds } from "../../core/domain/clock.ts";
import type { HsmJob } from "../storage/hsm-job-repository.ts";
import type { BackupBucket } from "./hsm-backup-bucket.ts";
import { runBackup, runPreBackup } from "./hsm-backup-run.ts";
import { JobFailure } from "./hsm-job-failure.ts";
import { runKeyRestore, runPreRestore, runRestore, type RestoreContext } from "./hsm-restore-run.ts";
import type { BackupStorage, HsmJobs } from "./vault-context.ts";

/** Runs a due backup or restore job to its end, Succeeded or Failed; the alarm calls it (duties/hsm-jobs-duty.ts). */
export type JobContext = RestoreContext & HsmJobs & BackupStorage;

const RUNNERS: { readonly [K in HsmJobKind]: (ctx: RestoreContext, job: HsmJob, bucket: BackupBucket) => Promise<string> } = {
  backup: runBackup,
  prebackup: runPreBackup,
  restore: runRestore,
  keyRestore: runKeyRestore,
  prerestore: runPreRestore,
};

export async function runJob(ctx: JobContext, job: HsmJob): Promise<void> {
  const finish = (status: "Succeeded" | "Failed", details: string | null, error: { code: string; message: string } | null) =>
    ctx.transaction(() => ctx.hsmJobs.finish(job.jobId, status, toUnixSeconds(ctx.clock.now()), details, error));
  if (ctx.backups === null) {
    finish("Failed", null, { code: "BackupStorageUnavailable", message: "This deployment has no backup storage (the BACKUPS R2 bucket binding)." });
    return;
  }
  try {
    finish("Succeeded", await RUNNERS[job.kind](ctx, job, ctx.backups), null);
  } catch (error) {
    if (error instanceof JobFailure) {
      finish("Failed", null, { code: error.code, message: error.message });
      return;
    }
    console.error(JSON.stringify({ event: "hsm-job-failed", job: job.jobId, kind: job.kind, reason: error instanceof Error ? error.stack : String(error) }));
    finish("Failed", null, { code: "InternalError", message: "The job failed; nothing was restored." });
  }
}
