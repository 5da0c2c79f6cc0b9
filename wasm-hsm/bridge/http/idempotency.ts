/**
 * Idempotency keys on state-changing calls (docs/decisions.md §4.4; draft-ietf-httpapi-idempotency-key-header): the
 * first answer to a key is kept and a repeat of the same request gets it again, marked `idempotent-replayed: true`,
 * without running twice. The same key with a different request is refused (422), a repeat while the first still runs
 * is refused (409) rather than run in parallel. Server failures (5xx) are not kept, so a retry after one really
 * retries. Answers live in memory — in the one process that holds the request memory (http/request-memory.ts),
 * however many workers serve requests; generate also marks its key so a retry after a restart finds it
 * (keys/generate.ts).
 */
import { BridgeFailure } from "../failure.ts";

export interface Outcome {
  readonly status: number;
  readonly body: Uint8Array;
}

/** What a request under a key may do: run (it is the first), or get the kept answer, or be refused. */
export type Begun =
  | { readonly kind: "run" }
  | { readonly kind: "replay"; readonly outcome: Outcome }
  | { readonly kind: "reused" }
  | { readonly kind: "in-flight" };

interface Entry {
  readonly fingerprint: string;
  readonly expires: number;
  outcome?: Outcome;
}

/** Bounded like the nonce cache: oldest answers go first once this many are kept. */
const MAX_ENTRIES = 100_000;

/** The state: one entry per client and key, in flight until settled. */
export class IdempotencyStore {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {}

  /** `name` is client and key; `fingerprint` identifies the request (method, path, body hash). */
  begin(name: string, fingerprint: string): Begun {
    const now = this.now();
    const existing = this.entries.get(name);
    if (existing !== undefined && existing.expires > now) {
      if (existing.fingerprint !== fingerprint) return { kind: "reused" };
      if (existing.outcome === undefined) return { kind: "in-flight" };
      return { kind: "replay", outcome: existing.outcome };
    }
    this.evict(now);
    this.entries.set(name, { fingerprint, expires: now + this.ttlMs });
    return { kind: "run" };
  }

  /** Keeps the answer of a request that ran, or (undefined) forgets it so a retry runs again. */
  settle(name: string, outcome: Outcome | undefined): void {
    const entry = this.entries.get(name);
    if (entry === undefined || entry.outcome !== undefined) return;
    if (outcome === undefined) this.entries.delete(name);
    else entry.outcome = outcome;
  }

  private evict(now: number): void {
    for (const [name, entry] of this.entries) {
      // Insertion order is expiry order (one TTL for all), so the first live entry ends the sweep.
      if (entry.expires > now && this.entries.size < MAX_ENTRIES) break;
      this.entries.delete(name);
    }
  }
}

/**
 * Where the store lives: in this process, or in the cluster's primary (cluster/memory-link.ts). `settle` resolves
 * once the answer is recorded, and only then is it sent: a retry can reach another worker as soon as the caller
 * has the answer, and must find it there.
 */
export interface IdempotencyLedger {
  begin(name: string, fingerprint: string): Promise<Begun>;
  settle(name: string, outcome: Outcome | undefined): Promise<void>;
}

/** Runs `work` only for a new key; client errors (4xx) are answers too and are kept, 5xx are not. */
export async function runIdempotent(
  ledger: IdempotencyLedger,
  clientId: string,
  key: string,
  fingerprint: string,
  work: () => Promise<Outcome>,
): Promise<Outcome & { replayed: boolean }> {
  const name = `${clientId}\n${key}`;
  const begun = await ledger.begin(name, fingerprint);
  if (begun.kind === "reused") throw new BridgeFailure("IdempotencyKeyReused", "idempotency key already used for another request");
  if (begun.kind === "in-flight") throw new BridgeFailure("IdempotencyKeyInFlight", "a request with this idempotency key is still running");
  if (begun.kind === "replay") return { ...begun.outcome, replayed: true };
  let outcome: Outcome;
  try {
    outcome = await work();
  } catch (error) {
    await ledger.settle(name, undefined);
    throw error;
  }
  await ledger.settle(name, outcome.status >= 500 ? undefined : outcome);
  return { ...outcome, replayed: false };
}
