import { MAX_LIMIT, THROTTLE_BUCKETS, type ThrottleBucket, type ThrottleOverrides } from "../../core/domain/throttle/throttle-limits.ts";
import type { WindowCount } from "../../core/domain/throttle/throttle-window.ts";

/**
 * Throttle counters and limit overrides of one Durable Object. The vault counts the units it admitted
 * (`used`); the tenant counts the units it leased to its vaults (`granted`); both keep one row per
 * bucket for the current window only. Limits live beside the object's settings row (`vault` or
 * `tenant`), as JSON of overrides.
 */
export class ThrottleRepository {
  constructor(
    private readonly sql: SqlStorage,
    private readonly owner: "vault" | "tenant",
  ) {}

  counts(): Map<ThrottleBucket, WindowCount> {
    const column = this.countColumn();
    const rows = this.sql.exec<{ bucket: string; window_start: number; n: number }>(
      `SELECT bucket, window_start, ${column} AS n FROM throttle_windows`,
    );
    const counts = new Map<ThrottleBucket, WindowCount>();
    for (const row of rows) {
      if (isBucket(row.bucket)) counts.set(row.bucket, { windowStart: row.window_start, used: row.n });
    }
    return counts;
  }

  save(bucket: ThrottleBucket, count: WindowCount): void {
    const column = this.countColumn();
    this.sql.exec(
      `INSERT INTO throttle_windows (bucket, window_start, ${column}) VALUES (?, ?, ?) ` +
        `ON CONFLICT (bucket) DO UPDATE SET window_start = excluded.window_start, ${column} = excluded.${column}`,
      bucket,
      count.windowStart,
      count.used,
    );
  }

  overrides(): ThrottleOverrides | null {
    const row = this.sql.exec<{ throttle_limits: string | null }>(`SELECT throttle_limits FROM ${this.owner} WHERE id = 1`).toArray()[0];
    if (row === undefined || row.throttle_limits === null) return null;
    return parseOverrides(row.throttle_limits);
  }

  setOverrides(overrides: ThrottleOverrides | null): void {
    this.sql.exec(`UPDATE ${this.owner} SET throttle_limits = ? WHERE id = 1`, overrides === null ? null : JSON.stringify(overrides));
  }

  private countColumn(): "used" | "granted" {
    return this.owner === "vault" ? "used" : "granted";
  }
}

function isBucket(value: string): value is ThrottleBucket {
  return (THROTTLE_BUCKETS as readonly string[]).includes(value);
}

/** Written only by this code after validation; anything else in the column is ignored bucket by bucket. */
function parseOverrides(json: string): ThrottleOverrides {
  const parsed = JSON.parse(json) as Record<string, unknown>;
  const overrides: { [B in ThrottleBucket]?: number } = {};
  for (const bucket of THROTTLE_BUCKETS) {
    const value = parsed[bucket];
    if (typeof value === "number" && Number.isSafeInteger(value) && value > 0 && value <= MAX_LIMIT) overrides[bucket] = value;
  }
  return overrides;
}
