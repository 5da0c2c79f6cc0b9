import { AZURE_VAULT_LIMITS, resolveLimits, tenantDefaults, type ThrottleBucket, type ThrottleLimits, type ThrottleOverrides } from "../../core/domain/throttle/throttle-limits.ts";
import { leaseGrant } from "../../core/domain/throttle/throttle-lease.ts";
import type { WindowCount } from "../../core/domain/throttle/throttle-window.ts";
import type { ThrottleRepository } from "../storage/throttle-repository.ts";

/**
 * Tenant-wide throttling (Azure: five times the per-vault limit across the subscription's vaults): the tenant object
 * grants its vaults capacity per bucket and window, counting what it granted in memory and in storage.
 */
export class TenantThrottle {
  /** Units granted to this tenant's vaults per bucket in the current window (mirrors storage). */
  private leased = new Map<ThrottleBucket, WindowCount>();

  constructor(private readonly repo: ThrottleRepository) {}

  /**
   * Grants a vault capacity in `bucket` for the window starting at `window` (Unix seconds, the vault's clock); a window
   * older than the one being counted is charged to the current one.
   */
  lease(bucket: ThrottleBucket, window: number, cost: number): number {
    const count = this.leased.get(bucket);
    const current = count !== undefined && count.windowStart >= window ? count : { windowStart: window, used: 0 };
    const grant = leaseGrant(this.limits()[bucket], current.used, cost);
    if (grant === 0) return 0;
    const next = { windowStart: current.windowStart, used: current.used + grant };
    this.repo.save(bucket, next);
    this.leased.set(bucket, next);
    return grant;
  }

  limits(): ThrottleLimits {
    return resolveLimits(tenantDefaults(AZURE_VAULT_LIMITS), this.repo.overrides());
  }

  /** A SaaS operator's tier for this tenant: overrides of the defaults, or null to return to them. */
  setOverrides(overrides: ThrottleOverrides | null): ThrottleLimits {
    this.repo.setOverrides(overrides);
    return this.limits();
  }

  /** Reads the counts from storage again (the object's start, or its storage wiped). */
  reload(): void {
    this.leased = this.repo.counts();
  }
}
