/**
 * Per-isolate memory of what is costly to make again per key version (docs/decisions.md §3.3: import+sign is a third
 * slower than sign alone). Both key providers keep theirs here: made on first use, the least recently used dropped
 * past `limit`. A Map iterates in insertion order, so deleting and re-inserting on use keeps the oldest first.
 */
export class LruCache<T> {
  private readonly entries = new Map<string, T>();

  constructor(private readonly limit: number) {}

  /** The entry for `id`, made by `make` when there is none; either way it becomes the most recently used. */
  get(id: string, make: () => T): T {
    let entry = this.entries.get(id);
    if (entry === undefined) {
      entry = make();
      const oldest = this.entries.keys().next();
      if (this.entries.size >= this.limit && oldest.done !== true) this.entries.delete(oldest.value);
    } else {
      this.entries.delete(id);
    }
    this.entries.set(id, entry);
    return entry;
  }

  /**
   * A promised entry that forgets itself should its promise reject, so a failure (the bridge away, a row that will
   * not open) is tried again next time rather than remembered.
   */
  getPromise<V>(this: LruCache<Promise<V>>, id: string, make: () => Promise<V>): Promise<V> {
    return this.get(id, () => {
      const made = make();
      made.catch(() => this.delete(id));
      return made;
    });
  }

  delete(id: string): void {
    this.entries.delete(id);
  }

  clear(): void {
    this.entries.clear();
  }
}
