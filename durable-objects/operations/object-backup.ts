import { openBackup, sealBackup } from "../../core/crypto/envelope/backup-seal.ts";
import { VERSION_PATTERN, nameKey } from "../../core/domain/objects/ids.ts";
import type { ObjectKind, StoredVersion } from "../../core/domain/objects/versioned-object.ts";
import { malformedBackupBlob } from "../../core/errors/vault-error.ts";
import { liveName } from "./object-lifecycle.ts";
import type { VaultScope, ObjectStore, Sealing } from "./vault-context.ts";

/**
 * Backup and restore as every kind does them (Azure BackupSecret/BackupKey): all versions of a live
 * name, sealed for this tenant; restore accepts only a blob this tenant sealed for this kind.
 */
export interface BackedUpVersion<V> {
  readonly version: string;
  readonly attributes: StoredVersion["attributes"];
  readonly tags?: StoredVersion["tags"];
  readonly managed: boolean;
  readonly value: V;
}

/** Opens each version's value with `open` and seals the lot, with `extra` fields for the kind. */
export async function backUpObject<V>(
  ctx: VaultScope & ObjectStore & Sealing,
  kind: ObjectKind,
  name: string,
  open: (v: StoredVersion) => Promise<V>,
  extra: Readonly<Record<string, unknown>> = {},
): Promise<{ blob: string }> {
  const key = nameKey(name);
  const state = liveName(ctx, kind, name);
  const versions: BackedUpVersion<V>[] = await Promise.all(
    ctx.objects.allVersions(kind, key).map(async (v) => ({
      version: v.version,
      attributes: v.attributes,
      ...(v.tags === undefined ? {} : { tags: v.tags }),
      managed: v.managed,
      value: await open(v),
    })),
  );
  return { blob: await sealBackup(ctx.rootKeys(), ctx.config.tenantId, kind, { ...extra, name: state.name, versions }) };
}

/** The payload of a blob this tenant sealed for `kind`, checked by the kind's shape guard; else Azure's 400 "Malformed backup blob". */
export async function openObjectBackup<T>(ctx: VaultScope & Sealing, kind: ObjectKind, blob: string, isValid: (v: unknown) => v is T): Promise<T> {
  const payload = await openBackup(ctx.rootKeys(), ctx.config.tenantId, kind, blob);
  if (!isValid(payload)) throw malformedBackupBlob();
  return payload;
}

/** The row fields a kind derives from a backed-up value: the value sealed afresh, and its own columns. */
export type RestoredFields = Pick<StoredVersion, "sealedValue"> & Partial<Pick<StoredVersion, "props" | "contentType">>;

/** Backed-up versions as stored rows, in backup order, each value sealed afresh by `seal`. */
export async function versionsFromBackup<V>(
  name: string,
  versions: readonly BackedUpVersion<V>[],
  seal: (v: BackedUpVersion<V>) => Promise<RestoredFields>,
): Promise<StoredVersion[]> {
  const sealed = await Promise.all(versions.map(seal));
  return versions.map((v, i) => ({
    name,
    version: v.version,
    seq: i + 1,
    attributes: v.attributes,
    ...(v.tags === undefined ? {} : { tags: v.tags }),
    managed: v.managed,
    ...(sealed[i] as RestoredFields),
  }));
}

export const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

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
