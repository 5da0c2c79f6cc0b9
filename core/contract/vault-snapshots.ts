/** Whole-vault snapshots over RPC (docs/vault-snapshots.md): what the vault object answers about one. */
import type { ScheduledSnapshots, SnapshotSchedule } from "../domain/vault/snapshot-schedule.ts";
import type { VaultConfig } from "../domain/vault/vault-config.ts";
import type { VaultSettings } from "./vault.ts";

/** Who took it: an admin on demand, or the vault's snapshot schedule (only those are pruned by its retention). */
export type SnapshotTrigger = "manual" | "scheduled";

/** What a snapshot holds, counted when it was taken (names, not versions, for the three object kinds). */
export interface SnapshotContents {
  readonly secrets: number;
  readonly keys: number;
  readonly certificates: number;
  /** Names soft-deleted when the snapshot was taken (counted in the three kinds above too). */
  readonly deletedObjects: number;
  readonly versions: number;
  readonly roleAssignments: number;
  readonly eventSubscriptions: number;
}

export interface SnapshotSummary {
  readonly id: string;
  /** The vault it was taken of (lower-cased), in the tenant whose prefix holds it. */
  readonly vault: string;
  /** Unix seconds. */
  readonly created: number;
  readonly trigger: SnapshotTrigger;
  readonly sku: string;
  readonly sizeInBytes: number;
  readonly contents: SnapshotContents;
}

/** Where a restore reads from: a snapshot of a vault of the restoring vault's own tenant. */
export interface SnapshotSource {
  readonly vault: string;
  readonly snapshotId: string;
}

/** The control plane's snapshot calls on a vault's object (vault-object.ts `manageSnapshots`). */
export type SnapshotAdminOp =
  | { readonly kind: "take" }
  | { readonly kind: "restoreInPlace"; readonly snapshotId: string }
  | { readonly kind: "schedule" }
  | { readonly kind: "setSchedule"; readonly schedule: SnapshotSchedule | null }
  | { readonly kind: "pointInTime"; readonly atMs: number }
  /** After a booked point-in-time restore: ends the object's session, so the next one starts from the bookmark. */
  | { readonly kind: "endSession" }
  /** Makes this (empty) object the vault `settings` names, holding what the snapshot held. */
  | { readonly kind: "createFrom"; readonly settings: VaultSettings; readonly source: SnapshotSource };

export type SnapshotAdminResult = SnapshotSummary | ScheduledSnapshots | VaultConfig | { readonly bookmark: string } | null;
