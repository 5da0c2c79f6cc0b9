import type { NameState } from "./versioned-object.ts";

/**
 * How a vault completes its long-running operations (delete, recover, certificate creation). Azure completes them
 * asynchronously: right after `DELETE /secrets/{name}` the deleted secret is not found yet, right after a recover the
 * secret is not found yet, and a new certificate's operation is `inProgress` at first. The SDKs' pollers (and code
 * resuming a poller from its saved state) rely on seeing that state at least once; Python's certificate poller
 * returns None when create answers `completed` at once (azure-keyvault-certificates 4.7 `_polling.py`, azure-core
 * LROPoller starts no polling thread for an operation finished at creation). docs/long-running-operations.md.
 */
export const LONG_RUNNING_MODES = ["azure", "immediate"] as const;
export type LongRunningMode = (typeof LONG_RUNNING_MODES)[number];

export function isLongRunningMode(value: unknown): value is LongRunningMode {
  return LONG_RUNNING_MODES.some((mode) => mode === value);
}

/**
 * "azure": one second after the call. The SDKs poll at once after the call (JS: within the same `poll()`; Python: as
 * its polling thread starts), then after their interval (delete and recover: 2 s in both; certificates: 2 s in JS,
 * 5 s in Python): so the first poll sees the operation in progress and the next one sees it done.
 */
export const AZURE_COMPLETION_DELAY_MS = 1_000;

export function completionDelayMs(mode: LongRunningMode): number {
  return mode === "azure" ? AZURE_COMPLETION_DELAY_MS : 0;
}

/** When an operation started at `nowMs` completes, or null when it completes at once. */
export function settlesAt(nowMs: number, delayMs: number): number | null {
  return delayMs > 0 ? nowMs + delayMs : null;
}

/**
 * Where a name is in the soft-delete life cycle at `nowMs`: `deleting` and `recovering` are the in-progress states
 * of the two long-running operations, in which the name is in neither collection.
 */
export type NamePhase = "live" | "deleting" | "deleted" | "recovering";

export function namePhase(state: Pick<NameState, "deletedAt" | "settlesAt">, nowMs: number): NamePhase {
  const settled = state.settlesAt === null || state.settlesAt <= nowMs;
  if (state.deletedAt === null) return settled ? "live" : "recovering";
  return settled ? "deleted" : "deleting";
}
