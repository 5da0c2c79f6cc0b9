import type { ThrottleUsage } from "../../core/domain/throttle/usage-history.ts";

const iso = (unixSeconds: number): string => new Date(unixSeconds * 1000).toISOString().replace(".000Z", "Z");

/**
 * GET /admin/tenants/{t}/vaults/{v}/usage: per bucket, the vault's limit and the units it admitted in each window,
 * oldest first, the last being the window in progress (`from` is the oldest window's start, `to` the current one's
 * end). Units are the throttle's: a key transaction on an RSA-4096 or HSM key counts as its weight (throttle-limits.ts).
 */
export function throttleUsageJson(usage: ThrottleUsage) {
  const windows = usage.buckets[0]?.used.length ?? 0;
  return {
    windowSeconds: usage.windowSeconds,
    windows,
    from: iso(usage.firstWindowStart),
    to: iso(usage.firstWindowStart + windows * usage.windowSeconds),
    buckets: usage.buckets.map((b) => ({ bucket: b.bucket, limit: b.limit, used: b.used })),
  };
}
