import { THROTTLE_BUCKETS, type ThrottleBucket } from "../../core/domain/throttle/throttle-limits.ts";
import { usageSlot, type UsageSample } from "../../core/domain/throttle/usage-history.ts";

/**
 * A vault's finished throttle windows (`throttle_usage`, migration 0022): a ring of USAGE_WINDOWS slots per bucket,
 * each window written over the slot of the one USAGE_WINDOWS windows before it, so it stays bounded with no pruning.
 */
export class ThrottleUsageRepository {
  constructor(private readonly sql: SqlStorage) {}

  /** One finished window of a bucket, written once, when the bucket's next window begins. */
  record(sample: UsageSample): void {
    this.sql.exec(
      "INSERT INTO throttle_usage (bucket, slot, window_start, used) VALUES (?, ?, ?, ?) " +
        "ON CONFLICT (bucket, slot) DO UPDATE SET window_start = excluded.window_start, used = excluded.used",
      sample.bucket,
      usageSlot(sample.windowStart),
      sample.windowStart,
      sample.used,
    );
  }

  /** Every finished window from `oldest` on (Unix seconds). */
  since(oldest: number): UsageSample[] {
    const rows = this.sql.exec<{ bucket: string; window_start: number; used: number }>(
      "SELECT bucket, window_start, used FROM throttle_usage WHERE window_start >= ?",
      oldest,
    );
    const samples: UsageSample[] = [];
    for (const row of rows) if (isBucket(row.bucket)) samples.push({ bucket: row.bucket, windowStart: row.window_start, used: row.used });
    return samples;
  }
}

function isBucket(value: string): value is ThrottleBucket {
  return (THROTTLE_BUCKETS as readonly string[]).includes(value);
}
