/**
 * What the bridge must remember across requests to keep its security promises: the nonces seen within the
 * clock-skew window (a replay is refused) and the idempotent answers (a retried create gets the first key). With
 * several worker processes (cluster/) one memory must serve them all — a replay or a retry may land on any of
 * them — so it lives in one place: this process when it runs alone, else the cluster's primary, which the workers
 * ask over IPC (cluster/memory-link.ts). `startedAt` is when that memory began: requests signed earlier may have
 * been seen by a memory that is gone, so they are refused (http/authenticate.ts).
 */
import { MAX_CLOCK_SKEW_SECONDS, unixSeconds } from "../../../core/hsm/bridge-client/protocol.ts";
import { IdempotencyStore, type IdempotencyLedger } from "./idempotency.ts";
import { NonceCache } from "./nonce-cache.ts";

export interface RequestMemory {
  /** Unix seconds. */
  readonly startedAt: number;
  readonly idempotency: IdempotencyLedger;
  /** Records the nonce; false if it was already seen (a replay). Throws Unavailable when the window is full. */
  rememberNonce(clientId: string, nonce: string, timestamp: number, nowSeconds: number): Promise<boolean>;
}

/** The memory itself, synchronous: what a lone bridge uses directly and the cluster's primary serves. */
export class LocalRequestMemory {
  readonly startedAt: number;
  readonly nonces = new NonceCache(MAX_CLOCK_SKEW_SECONDS);
  readonly idempotency: IdempotencyStore;

  constructor(idempotencyTtlSeconds: number, now: () => number) {
    this.startedAt = unixSeconds(now());
    this.idempotency = new IdempotencyStore(idempotencyTtlSeconds * 1000, now);
  }
}

export function inProcessMemory(memory: LocalRequestMemory): RequestMemory {
  return {
    startedAt: memory.startedAt,
    idempotency: {
      begin: async (name, fingerprint) => memory.idempotency.begin(name, fingerprint),
      settle: async (name, outcome) => memory.idempotency.settle(name, outcome),
    },
    rememberNonce: async (clientId, nonce, timestamp, nowSeconds) => memory.nonces.remember(clientId, nonce, timestamp, nowSeconds),
  };
}
