import { ok, type Result } from "../../core/errors/result.ts";
import type { Clock } from "../../core/domain/clock.ts";
import type { VaultConfig } from "../../core/domain/vault/vault-config.ts";
import type { VaultSettings } from "../../core/contract/vault.ts";
import type { SnapshotAdminOp, SnapshotAdminResult, SnapshotSource } from "../../core/contract/vault-snapshots.ts";
import { bookmarkRestore } from "./point-in-time.ts";
import type { VaultParts } from "./vault-parts.ts";

/** The control plane's snapshot calls (docs/vault-snapshots.md), dispatched to the parts doing them. */
export async function manageSnapshots(parts: VaultParts, ctx: DurableObjectState, clock: Clock, op: SnapshotAdminOp): Promise<Result<SnapshotAdminResult>> {
  switch (op.kind) {
    case "take":
      return parts.snapshots.take("manual");
    case "restoreInPlace": {
      const restored = await parts.snapshots.restoreInPlace(op.snapshotId);
      // Answers kept at the edge from before run out before the restore is reported done (edge-leases.ts).
      if (restored.ok) await parts.edge.outlive();
      return restored;
    }
    case "schedule":
      return ok(parts.snapshotSchedule.current());
    case "setSchedule":
      return parts.snapshotSchedule.set(op.schedule);
    case "pointInTime":
      return bookmarkRestore(ctx.storage, op.atMs, clock.now());
    case "endSession":
      ctx.abort("point-in-time restore");
      return ok(null);
    case "createFrom":
      return restoreAsNewVault(parts, op.settings, op.source);
  }
}

/**
 * Makes this object the vault `settings` names, holding what the snapshot `source` (a vault of the same tenant)
 * held: its sku, retention and purge protection, objects with their names and versions, and settings. The snapshot
 * is opened and every value sealed again under the new vault's data key before the one transaction that makes the
 * vault, so a refused or failed restore makes no vault.
 */
async function restoreAsNewVault(parts: VaultParts, settings: VaultSettings, source: SnapshotSource): Promise<Result<VaultConfig>> {
  const opened = await parts.snapshots.open(settings.tenantId, source.vault, source.snapshotId);
  if (!opened.ok) return opened;
  const { payload } = opened.value;
  const made = { ...settings, sku: payload.sku, retentionDays: payload.retentionDays, purgeProtection: payload.purgeProtection };
  const created = await parts.lifecycle.create(made, (config, dataKey) => parts.snapshots.staged(payload, config, dataKey));
  if (created.ok) parts.snapshots.afterRestore();
  return created;
}
