import type { ManagedHsmRoleDefinition } from "../../core/domain/rbac/managed-hsm-roles.ts";
import type { RoleAssignment } from "../../core/domain/rbac/role-assignment.ts";
import { isRecord } from "./object-backup.ts";

/**
 * The folder of a managed HSM's full backup (docs/managed-hsm.md "Backup and restore"): a manifest naming the other
 * blobs, one blob per key (all its versions, attributes, tags, rotation policy — key-backup.ts's payload, the HSM
 * keys' token references inside), and one for the HSM's custom roles and role assignments. Each blob sealed on its
 * own (core/crypto/envelope/hsm-backup-seal.ts).
 */
export const MANIFEST_BLOB = "manifest";
export const RBAC_BLOB = "rbac";
export const BACKUP_FORMAT = "edge-vault/hsm-backup/1";

export interface BackupManifest {
  readonly format: typeof BACKUP_FORMAT;
  /** The HSM backed up, and when (Unix ms): for people reading a restore's details. */
  readonly hsm: string;
  readonly createdMs: number;
  readonly keys: readonly { readonly name: string; readonly blob: string }[];
}

export interface RbacBackup {
  readonly definitions: readonly ManagedHsmRoleDefinition[];
  readonly assignments: readonly RoleAssignment[];
}

export function keyBlobName(index: number): string {
  return `keys/${index}`;
}

export function isManifest(value: unknown): value is BackupManifest {
  return (
    isRecord(value) &&
    value.format === BACKUP_FORMAT &&
    typeof value.hsm === "string" &&
    Array.isArray(value.keys) &&
    value.keys.every((k: unknown) => isRecord(k) && typeof k.name === "string" && typeof k.blob === "string" && /^keys\/\d+$/.test(k.blob))
  );
}

export function isRbacBackup(value: unknown): value is RbacBackup {
  return isRecord(value) && Array.isArray(value.definitions) && Array.isArray(value.assignments);
}
