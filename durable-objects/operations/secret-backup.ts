import { isBackedUpVersion, isRecord, type BackedUpVersion } from "./object-backup.ts";

/** A secret version's backed-up value: the plaintext (inside the seal) and its content type. */
export interface SecretBackupValue {
  readonly value: string;
  readonly contentType?: string;
}

export interface SecretBackup {
  readonly name: string;
  readonly versions: readonly BackedUpVersion<SecretBackupValue>[];
}

/** The blob authenticated, but it may come from an older format: check every field before use. */
export function isSecretBackup(payload: unknown): payload is SecretBackup {
  if (!isRecord(payload) || typeof payload.name !== "string" || !Array.isArray(payload.versions) || payload.versions.length === 0) {
    return false;
  }
  return payload.versions.every((v: unknown) =>
    isBackedUpVersion(v, (value) => isRecord(value) && typeof value.value === "string" && (value.contentType === undefined || typeof value.contentType === "string")),
  );
}
