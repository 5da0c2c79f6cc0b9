import { VaultError } from "../../core/errors/vault-error.ts";
import { resolveLimits, AZURE_VAULT_LIMITS, type ThrottleBucket, type ThrottleLimits } from "../../core/domain/throttle/throttle-limits.ts";
import { retryAfterSeconds, usedIn, windowStart, type WindowCount } from "../../core/domain/throttle/throttle-window.ts";
import { oldestReportedWindow, throttleUsage, type ThrottleUsage, type UsageSample } from "../../core/domain/throttle/usage-history.ts";
import type { ThrottleRepository } from "../storage/throttle-repository.ts";
import type { ThrottleUsageRepository } from "../storage/throttle-usage-repository.ts";

/** What one request costs: the bucket it is charged to and its weight there (throttle-limits.ts). */
export interface ThrottleCharge {
  readonly bucket: ThrottleBucket;
  readonly cost: number;
}

/** Asks the tenant for capacity in a bucket and window; answers the units granted (0 = tenant limit reached). */
export type TenantLeaser = (bucket: ThrottleBucket, window: number, cost: number) => Promise<number>;

interface Lease {
  readonly windowStart: number;
  remaining: number;
}

/**
 * Admission control of one vault: its own per-window limits, then the tenant's (Azure's subscription-wide
 * limit). Tenant capacity is leased in chunks so most requests cost no call to the tenant object; a
 * vault can hold at most one unused chunk per bucket, which bounds how far the tenant limit can be
 * under-used. Requests refused here are not counted against the window.
 *
 * Its usage history costs no write per request: a bucket's count is already written with each request; when the
 * bucket's next window begins, the finished count goes once into the bounded ring of past windows (`history`).
 */
export class VaultThrottle {
  private counts: Map<ThrottleBucket, WindowCount>;
  private limits: ThrottleLimits;
  private readonly dirty = new Set<ThrottleBucket>();
  /** Windows finished since the last persist, for the history ring. */
  private finished: UsageSample[] = [];
  private readonly leases = new Map<ThrottleBucket, Lease>();
  private readonly leasing = new Map<ThrottleBucket, Promise<void>>();

  constructor(
    private readonly repo: ThrottleRepository,
    private readonly history: ThrottleUsageRepository,
    private readonly leaseFromTenant: TenantLeaser,
  ) {
    this.counts = repo.counts();
    this.limits = resolveLimits(AZURE_VAULT_LIMITS, repo.overrides());
  }

  /** After the limits or the whole store changed. */
  reload(): void {
    this.counts = this.repo.counts();
    this.limits = resolveLimits(AZURE_VAULT_LIMITS, this.repo.overrides());
    this.dirty.clear();
    this.finished = [];
    this.leases.clear();
  }

  currentLimits(): ThrottleLimits {
    return this.limits;
  }

  /** Admits the charge or throws 429 Throttled with the exact seconds until the window ends. */
  async admit(charge: ThrottleCharge, nowMs: number): Promise<void> {
    const window = windowStart(nowMs);
    this.assertVaultRoom(charge, window, nowMs);
    await this.takeFromTenant(charge, window, nowMs);
    // Re-checked: other requests may have been admitted while the tenant answered.
    this.assertVaultRoom(charge, window, nowMs);
    const previous = this.counts.get(charge.bucket);
    if (previous !== undefined && previous.windowStart !== window) this.finished.push({ bucket: charge.bucket, ...previous });
    this.counts.set(charge.bucket, { windowStart: window, used: usedIn(previous, window) + charge.cost });
    this.dirty.add(charge.bucket);
  }

  /** Writes the counts admitted since the last call; run inside the transaction that records the request. */
  persist(): void {
    for (const bucket of this.dirty) {
      const count = this.counts.get(bucket);
      if (count !== undefined) this.repo.save(bucket, count);
    }
    this.dirty.clear();
    for (const sample of this.finished) this.history.record(sample);
    this.finished = [];
  }

  /** The last USAGE_WINDOWS windows of every bucket, the one in progress last: the ring, then what memory holds. */
  usage(nowMs: number): ThrottleUsage {
    const current = windowStart(nowMs);
    const held = [...this.counts].map(([bucket, count]): UsageSample => ({ bucket, ...count }));
    return throttleUsage(current, this.limits, [...this.history.since(oldestReportedWindow(current)), ...this.finished, ...held]);
  }

  private assertVaultRoom(charge: ThrottleCharge, window: number, nowMs: number): void {
    if (usedIn(this.counts.get(charge.bucket), window) + charge.cost > this.limits[charge.bucket]) {
      throw throttled("VaultRequestTypeLimitReached", nowMs);
    }
  }

  private async takeFromTenant(charge: ThrottleCharge, window: number, nowMs: number): Promise<void> {
    for (;;) {
      const lease = this.leases.get(charge.bucket);
      if (lease !== undefined && lease.windowStart === window && lease.remaining >= charge.cost) {
        lease.remaining -= charge.cost;
        return;
      }
      const inFlight = this.leasing.get(charge.bucket);
      if (inFlight !== undefined) {
        await inFlight;
        continue;
      }
      const request = this.lease(charge, window);
      this.leasing.set(charge.bucket, request.then(() => undefined));
      let granted: number;
      try {
        granted = await request;
      } finally {
        this.leasing.delete(charge.bucket);
      }
      if (granted < charge.cost) throw throttled("TenantRequestLimitReached", nowMs);
    }
  }

  private async lease(charge: ThrottleCharge, window: number): Promise<number> {
    const granted = await this.leaseFromTenant(charge.bucket, window, charge.cost);
    const lease = this.leases.get(charge.bucket);
    if (lease !== undefined && lease.windowStart === window) lease.remaining += granted;
    else this.leases.set(charge.bucket, { windowStart: window, remaining: granted });
    return granted;
  }
}

/** Azure's 429 body ("Request was not processed because too many requests were received. Reason: …"). */
function throttled(reason: string, nowMs: number): VaultError {
  return new VaultError(
    "Throttled",
    `Request was not processed because too many requests were received. Reason: ${reason}`,
    undefined,
    retryAfterSeconds(nowMs),
  );
}
