import { THROTTLE_BUCKETS, WINDOW_SECONDS, type ThrottleBucket, type ThrottleLimits } from "./throttle-limits.ts";

/**
 * A vault's use of its throttle limits, window by window: the admin API's usage report (docs/portal.md "Throttling").
 * The history is a bounded ring of USAGE_WINDOWS windows per bucket; each window's count is the one the throttle
 * already keeps (units admitted, weighted as they are charged; refused requests are not counted, as they are not
 * against the limit).
 */
export const USAGE_WINDOWS = 60;

/** The ring slot of a window (`windowStart` in Unix seconds, a multiple of WINDOW_SECONDS): 60 windows apart share one. */
export function usageSlot(windowStart: number): number {
  return (windowStart / WINDOW_SECONDS) % USAGE_WINDOWS;
}

/** The oldest window the report covers when `current` is the window in progress. */
export function oldestReportedWindow(current: number): number {
  return current - (USAGE_WINDOWS - 1) * WINDOW_SECONDS;
}

/** Units one bucket admitted in one window. */
export interface UsageSample {
  readonly bucket: ThrottleBucket;
  readonly windowStart: number;
  readonly used: number;
}

export interface BucketUsage {
  readonly bucket: ThrottleBucket;
  /** The vault's limit per window, in the bucket's units. */
  readonly limit: number;
  /** Units admitted per window, oldest first; the last is the window in progress. */
  readonly used: readonly number[];
}

export interface ThrottleUsage {
  readonly windowSeconds: number;
  /** Start of the oldest window (Unix seconds); window i starts `i * windowSeconds` later. */
  readonly firstWindowStart: number;
  readonly buckets: readonly BucketUsage[];
}

/**
 * The report of the USAGE_WINDOWS windows ending with `current`: samples outside them (a ring slot not yet
 * overwritten since its window fell out of the range) are ignored, and a window with no sample used nothing.
 * Later samples for the same bucket and window replace earlier ones (the counter in memory is newer than storage).
 */
export function throttleUsage(current: number, limits: ThrottleLimits, samples: Iterable<UsageSample>): ThrottleUsage {
  const first = oldestReportedWindow(current);
  const used = new Map<ThrottleBucket, number[]>(THROTTLE_BUCKETS.map((b) => [b, new Array<number>(USAGE_WINDOWS).fill(0)]));
  for (const sample of samples) {
    const index = (sample.windowStart - first) / WINDOW_SECONDS;
    const series = used.get(sample.bucket);
    if (series !== undefined && Number.isInteger(index) && index >= 0 && index < USAGE_WINDOWS) series[index] = sample.used;
  }
  return {
    windowSeconds: WINDOW_SECONDS,
    firstWindowStart: first,
    buckets: THROTTLE_BUCKETS.map((bucket) => ({ bucket, limit: limits[bucket], used: used.get(bucket) ?? [] })),
  };
}
