import { WINDOW_SECONDS } from "./throttle-limits.ts";

/**
 * Fixed 10-second windows aligned on the clock (Azure counts "transactions allowed in 10 seconds").
 * Fixed windows make Retry-After exact: the count starts again at the window's end, so a client that
 * waits that long is admitted (unless others spend the new window first).
 */
export function windowStart(nowMs: number): number {
  return Math.floor(nowMs / 1000 / WINDOW_SECONDS) * WINDOW_SECONDS;
}

/** Whole seconds until the window containing `nowMs` ends (Retry-After is delta-seconds, RFC 9110 §10.2.3), at least 1. */
export function retryAfterSeconds(nowMs: number): number {
  const end = (windowStart(nowMs) + WINDOW_SECONDS) * 1000;
  return Math.max(1, Math.ceil((end - nowMs) / 1000));
}

/** Usage of one bucket in one window; a count from an earlier window counts as zero. */
export interface WindowCount {
  readonly windowStart: number;
  readonly used: number;
}

export function usedIn(count: WindowCount | undefined, window: number): number {
  return count !== undefined && count.windowStart === window ? count.used : 0;
}
