/**
 * Nonces seen within the clock-skew window, per client (docs/decisions.md §4.4). A nonce only needs
 * remembering until its timestamp falls out of the window, after which the timestamp check refuses it anyway; so
 * memory is bounded by the request rate times the window. Past a hard cap the bridge refuses new requests
 * rather than forget nonces early, which would reopen the door to replays.
 */
import { BridgeFailure } from "../failure.ts";

const MAX_REMEMBERED = 1_000_000;

export class NonceCache {
  private readonly expiry = new Map<string, number>();
  private nextPruneAt = 0;

  constructor(private readonly windowSeconds: number) {}

  /** Records the nonce; false if it was already seen (a replay). */
  remember(clientId: string, nonce: string, timestamp: number, nowSeconds: number): boolean {
    this.prune(nowSeconds);
    const key = `${clientId}\n${nonce}`;
    if (this.expiry.has(key)) return false;
    if (this.expiry.size >= MAX_REMEMBERED) throw new BridgeFailure("Unavailable", "too many requests in the replay window");
    this.expiry.set(key, timestamp + this.windowSeconds);
    return true;
  }

  get size(): number {
    return this.expiry.size;
  }

  private prune(nowSeconds: number): void {
    if (nowSeconds < this.nextPruneAt) return;
    this.nextPruneAt = nowSeconds + 1;
    for (const [key, expires] of this.expiry) if (expires < nowSeconds) this.expiry.delete(key);
  }
}
