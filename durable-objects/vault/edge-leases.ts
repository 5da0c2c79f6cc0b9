import type { Clock } from "../../core/domain/clock.ts";
import { EDGE_LEASE_MS, edgeCacheable, invalidatesEdgeReads } from "../../core/domain/vault/edge-lease.ts";
import type { VaultOp } from "../../core/contract/vault.ts";
import type { VaultRepository } from "../storage/vault-repository.ts";

/** What the leases read and write of the vault's settings row. */
export type EdgeLeaseStore = Pick<VaultRepository, "edgeReads" | "networkAcls" | "edgeLeaseHorizon" | "setEdgeLeaseHorizon">;

/**
 * The vault's side of the edge cache (docs/edge-reads.md, "Edge cache"). It grants leases: until a lease runs out, a
 * Worker may answer that read — and that caller's permission for it — without calling this object. Any change to
 * what a kept read answers (an update, a delete, a role change, the switch turned off) returns only once every lease
 * granted before it has run out, so after the call that disabled a version returns, no edge anywhere serves it:
 * the guarantee holds in every colo and isolate without reaching any of them.
 *
 * A lease is reserved before the read it covers looks at anything, so a change committed while the read waits
 * (for the throttle, for its audit record) already waits for it.
 */
export class EdgeLeases {
  /** The latest expiry granted (or, after a restart, that may have been granted). */
  private grantedUntilMs: number | null = null;
  /** What storage says may be outstanding; written ahead of the grants, so a restart never forgets one. */
  private persistedUntilMs: number | null = null;
  private enabled: boolean | null = null;

  constructor(
    private readonly vaults: EdgeLeaseStore,
    private readonly clock: Clock,
    /** Tests replace it to see the waits without waiting. */
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  ) {}

  /** A lease for `op` if the vault keeps it at the edge: its expiry in Unix ms, or null. */
  reserve(op: VaultOp): number | null {
    if (!edgeCacheable(op) || !this.isEnabled()) return null;
    const until = this.clock.now() + EDGE_LEASE_MS;
    this.persisted(); // loads both marks on first use
    if (until > (this.persistedUntilMs ?? 0)) {
      // One write covers the grants of the next lease period: a busy vault writes this row once per period.
      this.persistedUntilMs = until + EDGE_LEASE_MS;
      this.vaults.setEdgeLeaseHorizon(this.persistedUntilMs);
    }
    this.grantedUntilMs = Math.max(this.grantedUntilMs ?? 0, until);
    return until;
  }

  /** After a successful `op`: waits out the leases if it may have changed a kept read. */
  async afterChange(op: VaultOp): Promise<void> {
    if (invalidatesEdgeReads(op)) await this.outlive();
  }

  /**
   * Returns once every lease granted so far has run out by this object's clock (Workers stop using a lease
   * EDGE_CLOCK_SKEW_MS before that by theirs). At most two lease periods, even after a restart or a moved clock.
   */
  async outlive(): Promise<void> {
    this.persisted();
    const waitMs = Math.min((this.grantedUntilMs ?? 0) - this.clock.now(), 2 * EDGE_LEASE_MS);
    if (waitMs > 0) await this.sleep(waitMs);
  }

  /** The switch changed (operational-settings.ts), or the vault's storage was wiped. */
  forget(): void {
    this.enabled = null;
    this.persistedUntilMs = null;
  }

  /**
   * Kept only while the switch is on and no firewall narrows who may read: an edge hit is served without the vault
   * object, so it could not apply the address rules (docs/access-control.md "Firewall").
   */
  private isEnabled(): boolean {
    this.enabled ??= this.vaults.edgeReads().edgeCache && (this.vaults.networkAcls()?.defaultAction ?? "Allow") === "Allow";
    return this.enabled;
  }

  private persisted(): void {
    if (this.persistedUntilMs !== null) return;
    this.persistedUntilMs = this.vaults.edgeLeaseHorizon();
    // Leases granted before a restart are known only by the mark they were written under.
    this.grantedUntilMs = Math.max(this.grantedUntilMs ?? 0, this.persistedUntilMs);
  }
}
