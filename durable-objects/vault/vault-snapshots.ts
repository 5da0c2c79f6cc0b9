import { VaultError, badParameter } from "../../core/errors/vault-error.ts";
import { fail, ok, type Result } from "../../core/errors/result.ts";
import type { DataKey } from "../../core/crypto/envelope/data-key.ts";
import type { RootKeyRing } from "../../core/crypto/envelope/root-key-ring.ts";
import { openSnapshot, sealSnapshot, type SnapshotScope } from "../../core/crypto/envelope/snapshot-seal.ts";
import { utf8 } from "../../core/crypto/bytes.ts";
import { toUnixSeconds, type Clock } from "../../core/domain/clock.ts";
import type { VaultConfig } from "../../core/domain/vault/vault-config.ts";
import { listSnapshots, snapshotMetadata, snapshotObjectKey } from "../../core/domain/vault/snapshot-location.ts";
import type { SnapshotSummary, SnapshotTrigger } from "../../core/contract/vault-snapshots.ts";
import { contentsOf, markHsmReferences, payloadOf, readPayload, readVaultState, stateFor, type SnapshotPayload } from "../operations/snapshot-contents.ts";
import { replaceTables, setVersionProps } from "../storage/snapshot-tables.ts";
import { vaultNotFound } from "./vault-lifecycle.ts";

export interface SnapshotDeps {
  readonly storage: DurableObjectStorage;
  /** The BACKUPS bucket; null in a deployment without one (snapshots are then refused). */
  readonly bucket: R2Bucket | null;
  readonly clock: Clock;
  config(): VaultConfig | null;
  dataKey(config: VaultConfig): Promise<DataKey>;
  rootKeys(): RootKeyRing;
  /** After an in-place restore: what other parts hold in memory about the replaced rows goes, the alarm is re-armed. */
  restored(): void;
}

/** A snapshot opened for a restore, with its summary. */
export interface OpenedSnapshot {
  readonly payload: SnapshotPayload;
  readonly summary: SnapshotSummary;
}

const noBucket = (): VaultError => new VaultError("ServiceUnavailable", "This deployment has no BACKUPS bucket, so vault snapshots are not available.");
const notFound = (id: string): VaultError => new VaultError("NotFound", `The snapshot '${id}' was not found.`);
const unreadable = (): VaultError =>
  badParameter("The snapshot is truncated, was altered, or is not a snapshot of this tenant's vault; nothing was changed.");

/**
 * Whole-vault snapshots (docs/vault-snapshots.md): taken into the BACKUPS bucket under the tenant's prefix, sealed
 * under a fresh key wrapped by the root key (snapshot-seal.ts); restored in place in one transaction, or into a new
 * vault as it is created (vault-lifecycle.ts `create` with contents), so a failure at any row leaves nothing half-done.
 */
export class VaultSnapshots {
  constructor(private readonly deps: SnapshotDeps) {}

  /** Takes a snapshot of the vault as it is now. */
  async take(trigger: SnapshotTrigger): Promise<Result<SnapshotSummary>> {
    const config = this.deps.config();
    if (config === null) return fail(vaultNotFound());
    if (config.sku === "managedHSM") return fail(badParameter("A managed HSM is backed up by its full backup (docs/managed-hsm.md), not by vault snapshots."));
    const bucket = this.deps.bucket;
    if (bucket === null) return fail(noBucket());
    // Read and marked in one synchronous step: no request changes the vault between the two.
    const { state, marks } = markHsmReferences(readVaultState(this.deps.storage.sql));
    if (marks.length > 0) this.deps.storage.transactionSync(() => setVersionProps(this.deps.storage.sql, marks));
    const snapshotId = crypto.randomUUID();
    const created = toUnixSeconds(this.deps.clock.now());
    const payload = await payloadOf(state, config, await this.deps.dataKey(config), snapshotId, created);
    const scope: SnapshotScope = { tenantId: config.tenantId, name: config.name, snapshotId };
    const blob = await sealSnapshot(this.deps.rootKeys(), scope, utf8(JSON.stringify(payload)));
    const summary = { id: snapshotId, vault: payload.vault, created, trigger, sku: config.sku, contents: contentsOf(payload) };
    await bucket.put(snapshotObjectKey(config.tenantId, config.name, snapshotId), blob, { customMetadata: snapshotMetadata(summary) });
    return ok({ ...summary, sizeInBytes: blob.length });
  }

  /** Reads and opens a snapshot of `vault` in `tenantId`'s prefix; refused unless it opens whole under that binding. */
  async open(tenantId: string, vault: string, snapshotId: string): Promise<Result<OpenedSnapshot>> {
    const bucket = this.deps.bucket;
    if (bucket === null) return fail(noBucket());
    const stored = await bucket.get(snapshotObjectKey(tenantId, vault, snapshotId));
    if (stored === null) return fail(notFound(snapshotId));
    const blob = new Uint8Array(await stored.arrayBuffer());
    const opened = await openSnapshot(this.deps.rootKeys(), { tenantId, name: vault, snapshotId }, blob);
    const payload = opened === null ? null : readPayload(new TextDecoder().decode(opened));
    if (payload === null || payload.tenantId !== tenantId || payload.vault !== vault.toLowerCase() || payload.snapshotId !== snapshotId) {
      return fail(unreadable());
    }
    const trigger = stored.customMetadata?.trigger === "scheduled" ? "scheduled" : "manual";
    const summary = { id: snapshotId, vault: payload.vault, created: payload.created, trigger, sku: payload.sku, sizeInBytes: blob.length, contents: contentsOf(payload) } as const;
    return ok({ payload, summary });
  }

  /**
   * The writes of a restore into `target`, prepared (every value sealed again for the target, which awaits) and
   * returned as one synchronous step for the caller's transaction. The step throws a 400 on any row that does not
   * apply (a constraint, a column this schema lacks), which rolls the whole transaction back.
   */
  async staged(payload: SnapshotPayload, target: VaultConfig, dataKey: DataKey): Promise<() => void> {
    const state = await stateFor(payload, target, dataKey);
    return () => {
      try {
        replaceTables(this.deps.storage.sql, state.tables, state.settings);
      } catch (error) {
        console.warn(JSON.stringify({ event: "snapshot-restore-refused", vault: target.name, reason: error instanceof Error ? error.message : String(error) }));
        throw badParameter("The snapshot could not be applied to this vault; nothing was changed.");
      }
    };
  }

  /** Replaces this vault's contents and settings with a snapshot of it, all or nothing. */
  async restoreInPlace(snapshotId: string): Promise<Result<SnapshotSummary>> {
    const config = this.deps.config();
    if (config === null) return fail(vaultNotFound());
    const opened = await this.open(config.tenantId, config.name, snapshotId);
    if (!opened.ok) return opened;
    const write = await this.staged(opened.value.payload, config, await this.deps.dataKey(config));
    // The vault may have been deleted while the values were sealed: nothing is written into a vault that is gone.
    if (this.deps.config() === null) return fail(vaultNotFound());
    try {
      this.deps.storage.transactionSync(write);
    } catch (error) {
      if (error instanceof VaultError) return fail(error);
      throw error;
    }
    this.afterRestore();
    return ok(opened.value.summary);
  }

  /** Other parts drop what they hold about the replaced rows; the alarm is re-armed for what the snapshot holds. */
  afterRestore(): void {
    this.deps.restored();
  }

  /** This vault's snapshots, newest first (for the schedule's retention). */
  async list(config: VaultConfig): Promise<SnapshotSummary[]> {
    return this.deps.bucket === null ? [] : listSnapshots(this.deps.bucket, config.tenantId, config.name);
  }

  async delete(config: VaultConfig, snapshotId: string): Promise<void> {
    await this.deps.bucket?.delete(snapshotObjectKey(config.tenantId, config.name, snapshotId));
  }
}
