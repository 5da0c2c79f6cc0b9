import type { HsmJobKind, HsmJobStatus, HsmJobView } from "../../core/contract/managed-hsm-backup.ts";

type JobRow = {
  id: string;
  kind: string;
  status: string;
  status_details: string | null;
  error_code: string | null;
  error_message: string | null;
  start_time: number;
  end_time: number | null;
  storage_uri: string;
  folder: string;
  key_name: string | null;
  due_at: number | null;
};

/** A job as stored: its view plus where it works and when the alarm runs it. */
export interface HsmJob extends HsmJobView {
  readonly storageUri: string;
  readonly account: string;
  readonly container: string;
  readonly folder: string;
  readonly keyName: string | null;
  readonly dueAt: number | null;
}

const COLUMNS = "id, kind, status, status_details, error_code, error_message, start_time, end_time, storage_uri, folder, key_name, due_at";

/** A managed HSM's backup and restore jobs (migration 0014). All SQL for them lives here. */
export class HsmJobRepository {
  constructor(private readonly sql: SqlStorage) {}

  insert(job: HsmJob): void {
    this.sql.exec(
      `INSERT INTO hsm_jobs (${COLUMNS}) VALUES (?, ?, ?, NULL, NULL, NULL, ?, NULL, ?, ?, ?, ?)`,
      job.jobId,
      job.kind,
      job.status,
      job.startTime,
      // account and container travel inside the URI (https://{account}.blob.{domain}/{container}).
      job.storageUri,
      job.folder,
      job.keyName,
      job.dueAt,
    );
  }

  get(id: string): HsmJob | null {
    const row = this.sql.exec<JobRow>(`SELECT ${COLUMNS} FROM hsm_jobs WHERE id = ?`, id).toArray()[0];
    return row === undefined ? null : toJob(row);
  }

  /** Jobs due at `nowMs`, oldest first. */
  due(nowMs: number): HsmJob[] {
    return this.sql.exec<JobRow>(`SELECT ${COLUMNS} FROM hsm_jobs WHERE due_at IS NOT NULL AND due_at <= ? ORDER BY due_at`, nowMs).toArray().map(toJob);
  }

  nextDue(): number | null {
    return this.sql.exec<{ d: number | null }>("SELECT MIN(due_at) AS d FROM hsm_jobs WHERE due_at IS NOT NULL").one().d;
  }

  /** Ends a job: Succeeded (with details) or Failed (with its error); it is no longer due. */
  finish(id: string, status: Exclude<HsmJobStatus, "InProgress">, endTime: number, details: string | null, error: { code: string; message: string } | null): void {
    this.sql.exec(
      "UPDATE hsm_jobs SET status = ?, end_time = ?, status_details = ?, error_code = ?, error_message = ?, due_at = NULL WHERE id = ?",
      status,
      endTime,
      details,
      error?.code ?? null,
      error?.message ?? null,
      id,
    );
  }
}

function toJob(row: JobRow): HsmJob {
  const url = new URL(row.storage_uri);
  const done = row.status === "Succeeded" && (row.kind === "backup");
  return {
    jobId: row.id,
    kind: row.kind as HsmJobKind,
    status: row.status as HsmJobStatus,
    statusDetails: row.status_details,
    error: row.error_code === null ? null : { code: row.error_code, message: row.error_message ?? "" },
    startTime: row.start_time,
    endTime: row.end_time,
    folderUri: done ? `${row.storage_uri}/${row.folder}` : null,
    storageUri: row.storage_uri,
    account: url.hostname.split(".")[0] ?? "",
    container: url.pathname.replace(/^\/+|\/+$/g, ""),
    folder: row.folder,
    keyName: row.key_name,
    dueAt: row.due_at,
  };
}
