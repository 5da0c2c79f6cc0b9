/**
 * A managed HSM's full backup, full restore and selective key restore (backuprestore.json; docs/managed-hsm.md
 * "Backup and restore"): long-running jobs the HSM's alarm runs, each polled through its status. The Worker resolves
 * the storage URI to a location (core/domain/vault/hsm-backup-location.ts) before the vault object sees it.
 */
import type { BackupLocation } from "../domain/vault/hsm-backup-location.ts";

export type HsmJobKind = "backup" | "restore" | "keyRestore" | "prebackup" | "prerestore";
export type HsmJobStatus = "InProgress" | "Succeeded" | "Failed";

export interface HsmJobView {
  readonly jobId: string;
  readonly kind: HsmJobKind;
  readonly status: HsmJobStatus;
  readonly statusDetails: string | null;
  readonly error: { readonly code: string; readonly message: string } | null;
  /** Unix seconds, as the wire has them. */
  readonly startTime: number;
  readonly endTime: number | null;
  /** A finished backup's folder URI (`azureStorageBlobContainerUri`); null otherwise. */
  readonly folderUri: string | null;
}

export type HsmBackupOp =
  | { readonly kind: "hsm.startBackup"; readonly location: BackupLocation }
  | { readonly kind: "hsm.preBackup"; readonly location: BackupLocation }
  | { readonly kind: "hsm.startRestore"; readonly location: BackupLocation; readonly folder: string }
  | { readonly kind: "hsm.preRestore"; readonly location: BackupLocation; readonly folder: string }
  | { readonly kind: "hsm.startKeyRestore"; readonly location: BackupLocation; readonly folder: string; readonly keyName: string }
  | { readonly kind: "hsm.backupStatus"; readonly jobId: string }
  | { readonly kind: "hsm.restoreStatus"; readonly jobId: string };

export interface HsmBackupResults {
  "hsm.startBackup": HsmJobView;
  "hsm.preBackup": HsmJobView;
  "hsm.startRestore": HsmJobView;
  "hsm.preRestore": HsmJobView;
  "hsm.startKeyRestore": HsmJobView;
  "hsm.backupStatus": HsmJobView;
  "hsm.restoreStatus": HsmJobView;
}
