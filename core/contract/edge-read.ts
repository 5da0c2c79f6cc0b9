/** A read the Worker may keep at the edge until `leaseUntilMs` (Unix ms), or not at all (null): edge-lease.ts. */
export interface EdgeRead<T> {
  readonly value: T;
  readonly leaseUntilMs: number | null;
}
