/**
 * Tenant-wide capacity is handed to vaults in chunks of 1/40 of the tenant's limit: a busy vault asks
 * the tenant about 40 times per window at most, and an idle vault can strand at most one chunk.
 */
export const LEASE_CHUNKS_PER_WINDOW = 40;

/** Units to grant a vault that needs `cost` now, given the tenant's limit and what it already granted. 0 = refuse. */
export function leaseGrant(limit: number, granted: number, cost: number): number {
  const available = limit - granted;
  if (available < cost) return 0;
  const chunk = Math.max(cost, Math.ceil(limit / LEASE_CHUNKS_PER_WINDOW));
  return Math.min(chunk, available);
}
