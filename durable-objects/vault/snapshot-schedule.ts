import { fail, ok, type Result } from "../../core/errors/result.ts";
import { scheduleFrom, type ScheduledSnapshots, type SnapshotSchedule } from "../../core/domain/vault/snapshot-schedule.ts";
import type { VaultConfig } from "../../core/domain/vault/vault-config.ts";
import { toUnixSeconds, type Clock } from "../../core/domain/clock.ts";
import { vaultNotFound } from "./vault-lifecycle.ts";
import type { VaultSnapshots } from "./vault-snapshots.ts";

/**
 * The vault's snapshot schedule, a setting kept in the object's key-value storage beside `placement` (no table: one
 * small value, gone with the vault's storage when it is purged). Its timed duty (duties/snapshot-duty.ts) takes the
 * due snapshot and prunes scheduled ones beyond `retain`.
 */
const SCHEDULE_KEY = "snapshot-schedule";

export interface SnapshotScheduleDeps {
  readonly storage: DurableObjectStorage;
  readonly clock: Clock;
  readonly snapshots: VaultSnapshots;
  config(): VaultConfig | null;
  reschedule(): void;
}

export class SnapshotScheduler {
  constructor(private readonly deps: SnapshotScheduleDeps) {}

  current(): ScheduledSnapshots | null {
    return this.deps.storage.kv.get<ScheduledSnapshots>(SCHEDULE_KEY) ?? null;
  }

  /** Sets (or, null, removes) the schedule; the first scheduled snapshot falls due one interval from now. */
  set(schedule: SnapshotSchedule | null): Result<ScheduledSnapshots | null> {
    if (this.deps.config() === null) return fail(vaultNotFound());
    if (schedule === null) {
      this.deps.storage.kv.delete(SCHEDULE_KEY);
      this.deps.reschedule();
      return ok(null);
    }
    const scheduled = scheduleFrom(schedule, toUnixSeconds(this.deps.clock.now()));
    this.deps.storage.kv.put(SCHEDULE_KEY, scheduled);
    this.deps.reschedule();
    return ok(scheduled);
  }

  nextDue(): number | null {
    return this.current()?.nextRunAt ?? null;
  }

  /**
   * The due snapshot, then retention: the newest `retain` scheduled snapshots are kept, older scheduled ones deleted
   * (on-demand ones never). A refusal (no bucket) is logged and the schedule moves on; a thrown storage error ends
   * the run for the alarm's retry.
   */
  async runDue(nowSeconds: number): Promise<void> {
    const schedule = this.current();
    const config = this.deps.config();
    if (schedule === null || config === null || schedule.nextRunAt > nowSeconds) return;
    const taken = await this.deps.snapshots.take("scheduled");
    if (!taken.ok) console.warn(JSON.stringify({ event: "scheduled-snapshot-refused", vault: config.name, reason: taken.error.message }));
    const scheduled = (await this.deps.snapshots.list(config)).filter((s) => s.trigger === "scheduled");
    for (const old of scheduled.slice(schedule.retain)) await this.deps.snapshots.delete(config, old.id);
    // Unless the schedule was changed meanwhile: then its own next run stands.
    if (this.current()?.nextRunAt === schedule.nextRunAt) this.deps.storage.kv.put(SCHEDULE_KEY, scheduleFrom(schedule, nowSeconds));
  }
}
