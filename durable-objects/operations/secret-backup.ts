import type { ObjectAttributes, Tags } from "../domain/attributes.ts";
import { VERSION_PATTERN } from "../domain/ids.ts";

/** What a secret backup blob holds once opened: every version, values in plaintext inside the seal. */
export interface SecretBackup {
  readonly name: string;
  readonly versions: readonly {
    readonly version: string;
    readonly value: string;
    readonly contentType?: string;
    readonly attributes: ObjectAttributes;
    readonly tags?: Tags;
    readonly managed: boolean;
  }[];
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isInt = (v: unknown): v is number => Number.isSafeInteger(v);

/** The blob authenticated, but it may come from an older format: check every field before use. */
export function isSecretBackup(value: unknown): value is SecretBackup {
  if (!isRecord(value) || typeof value.name !== "string" || !Array.isArray(value.versions) || value.versions.length === 0) {
    return false;
  }
  return value.versions.every(
    (v: unknown) =>
      isRecord(v) &&
      typeof v.version === "string" &&
      VERSION_PATTERN.test(v.version) &&
      typeof v.value === "string" &&
      (v.contentType === undefined || typeof v.contentType === "string") &&
      typeof v.managed === "boolean" &&
      isRecord(v.attributes) &&
      typeof v.attributes.enabled === "boolean" &&
      isInt(v.attributes.created) &&
      isInt(v.attributes.updated),
  );
}
