import type { EdgeReadAuditEntry } from "../../durable-objects/vault/audit-journal.ts";
import { EDGE_LEASE_MS } from "../../core/domain/vault/edge-lease.ts";
import { vaultStub, type VaultAddress } from "../clients/vault-stub.ts";

/**
 * Audit records of reads answered from the edge cache (docs/edge-reads.md, "Edge cache"): queued per vault in this
 * isolate and written by one call to the vault object for all that arrive within FLUSH_DELAY_MS (or MAX_BATCH), so a
 * hit costs no call of its own. Every request that queued a record keeps the isolate alive until its batch is written
 * (waitUntil). The answer does not wait for its record — the one way edge reads differ from the vault's fail-closed
 * journal — so a refused batch stops this isolate answering that vault's reads from the cache for a lease period:
 * until then every read goes to the vault object again, and is recorded before it is answered.
 */
const FLUSH_DELAY_MS = 20;
const MAX_BATCH = 200;

interface Batch {
  readonly entries: EdgeReadAuditEntry[];
  readonly written: Promise<void>;
  release(): void;
}

const batches = new Map<string, Batch>();
const refusedUntil = new Map<string, number>();

/** Whether reads of this vault may be answered from the cache now (its last batch was not refused lately). */
export function edgeAuditAccepting(vaultName: string, nowMs: number): boolean {
  return (refusedUntil.get(vaultName) ?? 0) <= nowMs;
}

/** Queues a hit's record; the returned promise settles once its batch has been written (or refused). */
export function recordEdgeRead(env: Env, vault: VaultAddress, entry: EdgeReadAuditEntry): Promise<void> {
  const vaultName = vault.name;
  let batch = batches.get(vaultName);
  if (batch === undefined) {
    batch = openBatch(env, vault);
    batches.set(vaultName, batch);
  }
  batch.entries.push(entry);
  if (batch.entries.length >= MAX_BATCH) batch.release();
  return batch.written;
}

function openBatch(env: Env, vault: VaultAddress): Batch {
  const vaultName = vault.name;
  let release = (): void => {};
  const due = new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, FLUSH_DELAY_MS);
    release = () => {
      clearTimeout(timer);
      resolve();
    };
  });
  const entries: EdgeReadAuditEntry[] = [];
  const written = due.then(async () => {
    if (batches.get(vaultName)?.entries === entries) batches.delete(vaultName);
    try {
      const result = await vaultStub(env, vault).recordEdgeReads(entries);
      if (!result.ok) refuse(vaultName, "refused");
    } catch (err) {
      refuse(vaultName, err);
    }
  });
  return { entries, written, release: () => release() };
}

function refuse(vaultName: string, reason: unknown): void {
  console.error(`edge read audit records of vault ${vaultName} were not written`, reason);
  refusedUntil.set(vaultName, Date.now() + EDGE_LEASE_MS);
}
