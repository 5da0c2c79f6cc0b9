/**
 * The vault's side of the edge cache (durable-objects/vault/edge-leases.ts), with its store and clock replaced: which
 * reads get a lease, how far ahead the horizon is written, and how long a change waits — also after a restart.
 */
import { describe, expect, it } from "vitest";
import { EDGE_LEASE_MS } from "../../core/domain/vault/edge-lease.ts";
import type { VaultOp } from "../../core/contract/vault.ts";
import { EdgeLeases, type EdgeLeaseStore } from "../../durable-objects/vault/edge-leases.ts";

const VERSION = "0123456789abcdef0123456789abcdef";
const READ: VaultOp = { kind: "secret.get", name: "s", version: VERSION };

function store(edgeCache = true) {
  const state = { horizon: 0, writes: 0 };
  const repository: EdgeLeaseStore = {
    edgeReads: () => ({ edgeCache, publicJwks: false }),
    networkAcls: () => null,
    edgeLeaseHorizon: () => state.horizon,
    setEdgeLeaseHorizon: (ms) => {
      state.horizon = ms;
      state.writes += 1;
    },
  };
  return { state, repository };
}

function leases(repository: EdgeLeaseStore, clock: { t: number }) {
  const waits: number[] = [];
  const edge = new EdgeLeases(repository, { now: () => clock.t }, async (ms) => {
    waits.push(ms);
  });
  return { edge, waits };
}

describe("edge leases", () => {
  it("lease only a version's read, only when the vault keeps reads at the edge", () => {
    const clock = { t: 1_000_000 };
    const on = leases(store().repository, clock).edge;
    expect(on.reserve(READ)).toBe(clock.t + EDGE_LEASE_MS);
    expect(on.reserve({ kind: "key.get", name: "k", version: VERSION })).toBe(clock.t + EDGE_LEASE_MS);
    expect(on.reserve({ kind: "secret.get", name: "s" })).toBeNull();
    expect(on.reserve({ kind: "secret.delete", name: "s" })).toBeNull();
    expect(leases(store(false).repository, clock).edge.reserve(READ)).toBeNull();
  });

  it("write the horizon ahead of the leases: once per lease period, however many reads", () => {
    const clock = { t: 1_000_000 };
    const { state, repository } = store();
    const { edge } = leases(repository, clock);
    for (let i = 0; i < 50; i++) {
      edge.reserve(READ);
      clock.t += 20;
    }
    expect(state.writes).toBe(1);
    expect(state.horizon).toBe(1_000_000 + 2 * EDGE_LEASE_MS);
    clock.t = 1_000_000 + EDGE_LEASE_MS + 1;
    edge.reserve(READ);
    expect([state.writes, state.horizon >= clock.t + EDGE_LEASE_MS]).toEqual([2, true]);
  });

  it("a change waits until the last lease has run out; a neutral operation or an idle vault does not wait", async () => {
    const clock = { t: 1_000_000 };
    const { edge, waits } = leases(store().repository, clock);
    await edge.afterChange({ kind: "secret.delete", name: "s" });
    expect(waits).toEqual([]);
    edge.reserve(READ);
    clock.t += 500;
    await edge.afterChange({ kind: "secret.set", name: "s", value: "v" } as VaultOp);
    await edge.afterChange({ kind: "secret.get", name: "s", version: VERSION });
    expect(waits).toEqual([]);
    await edge.afterChange({ kind: "secret.update", name: "s", version: VERSION } as VaultOp);
    expect(waits).toEqual([EDGE_LEASE_MS - 500]);
    clock.t += EDGE_LEASE_MS;
    await edge.outlive();
    expect(waits).toHaveLength(1);
  });

  it("after a restart, a change waits for every lease the written horizon may cover", async () => {
    const clock = { t: 1_000_000 };
    const { state, repository } = store();
    leases(repository, clock).edge.reserve(READ);
    const restarted = leases(repository, clock);
    await restarted.edge.outlive();
    expect(restarted.waits).toEqual([state.horizon - clock.t]);
    expect(restarted.waits[0]).toBeGreaterThanOrEqual(EDGE_LEASE_MS);
    expect(restarted.waits[0]).toBeLessThanOrEqual(2 * EDGE_LEASE_MS);
  });
});
