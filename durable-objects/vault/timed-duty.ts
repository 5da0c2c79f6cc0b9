/**
 * One kind of scheduled work of a vault (purge after retention, audit pruning, key rotation, …). The scheduler
 * (vault-scheduler.ts) arms the Durable Object's one alarm for the earliest `nextDue()` of all duties, so a new duty
 * is one file in duties/ and one registration in vault-parts.ts.
 */
export interface TimedDuty {
  /** For logs and readers; not used to order duties (registration order is the run order). */
  readonly name: string;
  /** When the duty next has work, in Unix seconds (at or before now: at once); null when it has none. */
  nextDue(): number | null;
  /**
   * Does the work due at `nowSeconds`, the time the alarm run began (one value for every duty of a run). Work
   * left over (a bounded batch) shows in the next `nextDue()`. A rejection ends the run and leaves it to the
   * alarm's own retry; duties that already ran are not repeated.
   */
  runDue(nowSeconds: number): Promise<void>;
}
