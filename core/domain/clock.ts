/**
 * Injected time. Lifecycle rules (retention, scheduled purge, nbf/exp) read the clock through this
 * interface so tests move time instead of sleeping (docs/decisions.md §6.6).
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock tests can set and advance; production code never constructs one. */
export class ManualClock implements Clock {
  constructor(private current: number) {}
  now(): number {
    return this.current;
  }
  set(ms: number): void {
    this.current = ms;
  }
  advance(ms: number): void {
    this.current += ms;
  }
}

/** Azure's IntDate: whole seconds since the epoch. */
export function toUnixSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}

export const DAY_MS = 24 * 60 * 60 * 1000;
