/**
 * A map of at most `limit` entries, each stamped with when it was made; setting past the limit drops the entry set
 * longest ago (a Map iterates in insertion order, and set re-inserts). Freshness is the caller's rule, read from
 * the stamp, so time stays injected.
 */
export interface Stamped<T> {
  readonly value: T;
  readonly atMs: number;
}

export class BoundedCache<T> {
  private readonly entries = new Map<string, Stamped<T>>();

  constructor(private readonly limit: number) {}

  peek(id: string): Stamped<T> | undefined {
    return this.entries.get(id);
  }

  set(id: string, value: T, atMs: number): void {
    this.entries.delete(id);
    this.entries.set(id, { value, atMs });
    while (this.entries.size > this.limit) {
      const oldest = this.entries.keys().next();
      if (oldest.done === true) break;
      this.entries.delete(oldest.value);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
