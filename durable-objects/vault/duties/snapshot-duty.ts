import type { SnapshotScheduler } from "../snapshot-schedule.ts";
import type { TimedDuty } from "../timed-duty.ts";

/** The vault's scheduled snapshots and their retention (snapshot-schedule.ts, docs/vault-snapshots.md). */
export function snapshotDuty(schedule: SnapshotScheduler): TimedDuty {
  return {
    name: "snapshots",
    nextDue: () => schedule.nextDue(),
    runDue: (nowSeconds) => schedule.runDue(nowSeconds),
  };
}
