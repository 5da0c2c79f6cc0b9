import type { HsmJobView } from "../../core/contract/managed-hsm-backup.ts";
import { assertFolder, backupEndpoints, backupLocation, type BackupLocation } from "../../core/domain/vault/hsm-backup-location.ts";
import { badParameter } from "../../core/errors/vault-error.ts";
import type { JsonObject } from "./json-body.ts";

/**
 * The backup and restore requests and job answers as backuprestore.json shapes them: `SASTokenParameter
 * {storageResourceUri, token?, useManagedIdentity?}`, `RestoreOperationParameters {sasTokenParameters,
 * folderToRestore}`, `SelectiveKeyRestoreOperationParameters {sasTokenParameters, folder}`; `FullBackupOperation`,
 * `RestoreOperation`, `SelectiveKeyRestoreOperation`. The token is accepted and never kept: the bucket is this
 * deployment's own (docs/managed-hsm.md "Where backups go").
 */
const JOB_ID = /^[0-9a-f]{32}$/;

export function assertJobId(raw: string | undefined): string {
  if (raw === undefined || !JOB_ID.test(raw)) throw badParameter(`'${raw ?? ""}' is not a job id of this managed HSM.`);
  return raw;
}

function sasParameters(value: unknown, env: Env): BackupLocation {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw badParameter("'sasTokenParameters' must be an object.");
  const fields = value as JsonObject;
  if (fields.token !== undefined && fields.token !== null && typeof fields.token !== "string") throw badParameter("'token' must be a string.");
  if (fields.useManagedIdentity !== undefined && typeof fields.useManagedIdentity !== "boolean") throw badParameter("'useManagedIdentity' must be a boolean.");
  return backupLocation(fields.storageResourceUri, backupEndpoints(env.BACKUP_BLOB_ENDPOINTS));
}

export function backupInput(body: JsonObject, env: Env): BackupLocation {
  return sasParameters(body, env);
}

export function restoreInput(body: JsonObject, env: Env, folderField: "folderToRestore" | "folder"): { location: BackupLocation; folder: string } {
  return { location: sasParameters(body.sasTokenParameters, env), folder: assertFolder(body[folderField]) };
}

const errorOf = (job: HsmJobView) => (job.error === null ? null : { code: job.error.code, message: job.error.message, innererror: null });

export function backupOperationBody(job: HsmJobView) {
  return {
    status: job.status,
    statusDetails: job.statusDetails,
    error: errorOf(job),
    startTime: job.startTime,
    endTime: job.endTime,
    jobId: job.jobId,
    azureStorageBlobContainerUri: job.folderUri,
  };
}

export function restoreOperationBody(job: HsmJobView) {
  return { status: job.status, statusDetails: job.statusDetails, error: errorOf(job), jobId: job.jobId, startTime: job.startTime, endTime: job.endTime };
}
