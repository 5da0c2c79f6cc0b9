import { toUnixSeconds, type Clock } from "../../core/domain/clock.ts";
import type { TimedDuty } from "./timed-duty.ts";

/**
 * The vault's one alarm, shared by its timed duties: armed for the earliest due time of any of them, and on firing
 * runs every duty in registration order, then re-arms.
 */
export class VaultScheduler {
  private readonly duties: TimedDuty[] = [];
  /** Duties whose due time the alarm was last armed for: recording needs no re-arm while pruning is among them. */
  private readonly covered = new Set<TimedDuty>();

  /**
   * @param begin called as an alarm fires; false when there is no vault, and then no duty runs (an alarm can
   *   outlive its vault's deletion).
   */
  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly clock: Clock,
    private readonly begin: () => boolean,
  ) {}

  /** Adds a duty after those already registered (it runs after them) and answers it. */
  register<D extends TimedDuty>(duty: D): D {
    this.duties.push(duty);
    return duty;
  }

  /** Points the alarm at the earliest due work, or deletes it when no duty has any. */
  reschedule(): void {
    let next: number | null = null;
    for (const duty of this.duties) {
      const due = duty.nextDue();
      if (due === null) this.covered.delete(duty);
      else this.covered.add(duty);
      if (due !== null && (next === null || due < next)) next = due;
    }
    // setAlarm/deleteAlarm are covered by the output gate, so callers need not await them.
    if (next === null) void this.storage.deleteAlarm();
    else void this.storage.setAlarm(next * 1000);
  }

  /**
   * Re-arms unless the alarm already covers `duty`: a duty whose due time only moves later as work is added (audit
   * pruning: the oldest record decides) need not re-arm on every request.
   */
  ensureCovers(duty: TimedDuty): void {
    if (!this.covered.has(duty)) this.reschedule();
  }

  /** The alarm handler: every duty's due work at the time the alarm fired, then the next alarm. */
  async alarm(): Promise<void> {
    if (!this.begin()) return;
    const now = toUnixSeconds(this.clock.now());
    for (const duty of this.duties) await duty.runDue(now);
    this.reschedule();
  }

  /** Deletes the alarm (vault deletion); {@link forget} follows once storage is wiped. */
  async disarm(): Promise<void> {
    await this.storage.deleteAlarm();
  }

  /** After storage was wiped: nothing is covered any more, so the next record re-arms. */
  forget(): void {
    this.covered.clear();
  }
}
