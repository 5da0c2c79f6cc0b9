/**
 * When a failed webhook delivery is tried again, and when it is given up (dead-lettered). Event Grid
 * retries with exponential backoff and gives up after a configurable number of attempts (1–30,
 * delivery-and-retry.md "Retry policy"); we double from 10 s up to one hour, without jitter so tests
 * can move the clock to the exact retry (one vault's object delivers alone; there is no herd to spread).
 */
export const RETRY_BASE_SECONDS = 10;
export const RETRY_MAX_SECONDS = 3600;

export const MAX_ATTEMPTS_DEFAULT = 8;
export const MAX_ATTEMPTS_MIN = 1;
export const MAX_ATTEMPTS_MAX = 30;

/** How long one attempt may take before it counts as failed (Event Grid waits 30 s; a Worker should not). */
export const ATTEMPT_TIMEOUT_MS = 10_000;

/** Seconds to wait after attempt number `attempt` (1-based) failed: 10, 20, 40, … capped at an hour. */
export function retryDelaySeconds(attempt: number): number {
  const exponent = Math.max(0, attempt - 1);
  // 2^9 · 10 s already exceeds the cap; stop before the power grows pointlessly large.
  return exponent >= 9 ? RETRY_MAX_SECONDS : Math.min(RETRY_MAX_SECONDS, RETRY_BASE_SECONDS * 2 ** exponent);
}

/**
 * Statuses retrying cannot fix: Event Grid does not retry a webhook's 400, 401, 403 or 413
 * (delivery-and-retry.md "Retry schedule") and dead-letters the event at once.
 */
const FINAL_STATUSES: ReadonlySet<number> = new Set([400, 401, 403, 413]);

export type AttemptOutcome =
  | { readonly kind: "delivered" }
  | { readonly kind: "retry"; readonly at: number }
  | { readonly kind: "deadLettered" };

/**
 * What follows attempt number `attempt` at `nowSeconds`: `status` is the receiver's HTTP status, or
 * null when there was none (network error, timeout).
 */
export function attemptOutcome(status: number | null, attempt: number, maxAttempts: number, nowSeconds: number): AttemptOutcome {
  if (status !== null && status >= 200 && status < 300) return { kind: "delivered" };
  if ((status !== null && FINAL_STATUSES.has(status)) || attempt >= maxAttempts) return { kind: "deadLettered" };
  return { kind: "retry", at: nowSeconds + retryDelaySeconds(attempt) };
}
