import { VERSION_PATTERN } from "../domain/ids.ts";
import type { BackedUpVersion } from "./object-backup.ts";

/** A secret version's backed-up value: the plaintext (inside the seal) and its content type. */
export interface SecretBackupValue {
  readonly value: string;
  readonly contentType?: string;
}

export interface SecretBackup {
  readonly name: string;
  readonly versions: readonly BackedUpVersion<SecretBackupValue>[];
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Shared shape of every backed-up version, whatever the kind. */
export function isBackedUpVersion(v: unknown, isValue: (value: unknown) => boolean): boolean {
  return (
    isRecord(v) &&
    typeof v.version === "string" &&
    VERSION_PATTERN.test(v.version) &&
    typeof v.managed === "boolean" &&
    isRecord(v.attributes) &&
    typeof v.attributes.enabled === "boolean" &&
    Number.isSafeInteger(v.attributes.created) &&
    Number.isSafeInteger(v.attributes.updated) &&
    isValue(v.value)
  );
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
