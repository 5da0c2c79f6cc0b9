import { badParameter } from "../../core/errors/vault-error.ts";
import { readSnapshotSchedule, type SnapshotSchedule } from "../../core/domain/vault/snapshot-schedule.ts";
import type { SnapshotSummary } from "../../core/contract/vault-snapshots.ts";
import { UUID } from "./oauth.ts";
import { assertVaultName } from "./vault-name.ts";

/** A snapshot id as the API hands them out: a lower-case GUID. */
export function assertSnapshotId(id: string): string {
  if (!UUID.test(id)) throw badParameter("The snapshot id must be a GUID, as the snapshot list gives it.");
  return id;
}

/** Where a restore goes: a new vault of the tenant by name, or the snapshot's own vault, in place. */
export type RestoreTarget = { readonly kind: "newVault"; readonly name: string } | { readonly kind: "inPlace" };

/**
 * The restore body (docs/vault-snapshots.md "Restore"): `{"targetVault": "<new vault>"}`, or, to replace everything
 * in the snapshot's own vault, `{"confirm": "<that vault's name>"}` — required, since nothing of the vault's current
 * state survives it.
 */
export function restoreTargetInput(body: Record<string, unknown>, vault: string): RestoreTarget {
  const { targetVault, confirm, ...rest } = body;
  const stray = Object.keys(rest)[0];
  if (stray !== undefined) throw badParameter(`Unknown restore member '${stray}': expected targetVault, or confirm for an in-place restore.`);
  if (targetVault !== undefined) {
    if (typeof targetVault !== "string") throw badParameter("targetVault must be the name of the new vault to restore into.");
    return { kind: "newVault", name: assertVaultName(targetVault) };
  }
  assertConfirmed(confirm, vault, "A restore in place replaces everything in the vault");
  return { kind: "inPlace" };
}

/** An operation that replaces the vault's whole state names it: `confirm` must be the vault's name. */
export function assertConfirmed(confirm: unknown, vault: string, what: string): void {
  if (typeof confirm !== "string" || confirm.toLowerCase() !== vault.toLowerCase()) {
    throw badParameter(`${what} '${vault}': send "confirm": "${vault}" to go ahead.`);
  }
}

/** The point-in-time restore body: `{"time": "<ISO 8601>", "confirm": "<vault name>"}`; answers epoch ms. */
export function pointInTimeInput(body: Record<string, unknown>, vault: string): number {
  assertConfirmed(body.confirm, vault, "A point-in-time restore replaces everything in the vault");
  const at = typeof body.time === "string" ? Date.parse(body.time) : Number.NaN;
  if (!Number.isFinite(at)) throw badParameter('time must be an ISO 8601 date and time, e.g. "2026-12-01T10:00:00Z".');
  return at;
}

export function snapshotScheduleInput(body: Record<string, unknown>): SnapshotSchedule {
  const schedule = readSnapshotSchedule(body);
  if (typeof schedule === "string") throw badParameter(schedule);
  return schedule;
}

/** A snapshot as the admin API shows it; taken inline, so always Succeeded. */
export function snapshotJson(tenantId: string, s: SnapshotSummary) {
  return {
    id: `/tenants/${tenantId}/vaults/${s.vault}/snapshots/${s.id}`,
    name: s.id,
    vault: s.vault,
    status: "Succeeded",
    created: new Date(s.created * 1000).toISOString(),
    trigger: s.trigger,
    sku: s.sku,
    sizeInBytes: s.sizeInBytes,
    contents: s.contents,
  };
}
