/**
 * Idempotency keys on state-changing calls (issue 5; draft-ietf-httpapi-idempotency-key-header): the first answer
 * to a key is kept and a repeat of the same request gets it again, marked `idempotent-replayed: true`, without
 * running twice. The same key with a different request is refused (422), a repeat while the first still runs is
 * refused (409) rather than run in parallel. Server failures (5xx) are not kept, so a retry after one really
 * retries. Answers live in memory; generate also marks its key so a retry after a restart finds it
 * (keys/generate.ts).
 */
import { BridgeFailure } from "../failure.ts";

export interface Outcome {
  readonly status: number;
  readonly body: Uint8Array;
}

interface Entry {
  readonly fingerprint: string;
  readonly expires: number;
  outcome?: Outcome;
}

/** Bounded like the nonce cache: oldest answers go first once this many are kept. */
const MAX_ENTRIES = 100_000;

export class IdempotencyStore {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {}

  /** `fingerprint` identifies the request (method, path, body hash); `work` runs only for a new key. */
  async run(
    clientId: string,
    key: string,
    fingerprint: string,
    work: () => Promise<Outcome>,
  ): Promise<Outcome & { replayed: boolean }> {
    const name = `${clientId}\n${key}`;
    const now = this.now();
    const existing = this.entries.get(name);
    if (existing !== undefined && existing.expires > now) {
      if (existing.fingerprint !== fingerprint) {
        throw new BridgeFailure("IdempotencyKeyReused", "idempotency key already used for another request");
      }
      if (existing.outcome === undefined) {
        throw new BridgeFailure("IdempotencyKeyInFlight", "a request with this idempotency key is still running");
      }
      return { ...existing.outcome, replayed: true };
    }

    this.evict(now);
    const entry: Entry = { fingerprint, expires: now + this.ttlMs };
    this.entries.set(name, entry);
    let outcome: Outcome;
    try {
      outcome = await work();
    } catch (error) {
      this.entries.delete(name);
      throw error;
    }
    if (outcome.status >= 500) this.entries.delete(name);
    else entry.outcome = outcome;
    return { ...outcome, replayed: false };
  }

  private evict(now: number): void {
    for (const [name, entry] of this.entries) {
      // Insertion order is expiry order (one TTL for all), so the first live entry ends the sweep.
      if (entry.expires > now && this.entries.size < MAX_ENTRIES) break;
      this.entries.delete(name);
    }
  }
}
