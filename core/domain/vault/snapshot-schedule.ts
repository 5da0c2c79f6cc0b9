/**
 * A vault's snapshot schedule (docs/vault-snapshots.md "On a schedule"): a snapshot every `intervalHours`, the newest
 * `retain` scheduled ones kept. Snapshots taken on demand are never pruned by it.
 */
export interface SnapshotSchedule {
  readonly intervalHours: number;
  readonly retain: number;
}

/** The schedule as stored: when its next snapshot falls due (Unix seconds). */
export interface ScheduledSnapshots extends SnapshotSchedule {
  readonly nextRunAt: number;
}

export const SNAPSHOT_INTERVAL_MAX_HOURS = 24 * 366;
export const SNAPSHOT_RETAIN_MAX = 100;

const isIntegerIn = (value: unknown, min: number, max: number): value is number =>
  typeof value === "number" && Number.isInteger(value) && value >= min && value <= max;

/** The schedule a body asks for, or the message naming what is wrong with it. */
export function readSnapshotSchedule(body: Record<string, unknown>): SnapshotSchedule | string {
  const { intervalHours, retain, ...rest } = body;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) return `Unknown snapshot schedule member '${unknown[0]}': expected intervalHours and retain.`;
  if (!isIntegerIn(intervalHours, 1, SNAPSHOT_INTERVAL_MAX_HOURS)) return `intervalHours must be an integer from 1 to ${SNAPSHOT_INTERVAL_MAX_HOURS}.`;
  if (!isIntegerIn(retain, 1, SNAPSHOT_RETAIN_MAX)) return `retain must be an integer from 1 to ${SNAPSHOT_RETAIN_MAX}.`;
  return { intervalHours, retain };
}

/** The schedule's first (or next) run: one interval after `nowSeconds`. */
export function scheduleFrom(schedule: SnapshotSchedule, nowSeconds: number): ScheduledSnapshots {
  return { intervalHours: schedule.intervalHours, retain: schedule.retain, nextRunAt: nowSeconds + schedule.intervalHours * 3600 };
}
