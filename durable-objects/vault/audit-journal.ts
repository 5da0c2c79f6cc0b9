import { VaultError } from "../../core/errors/vault-error.ts";
import { fail, ok, type Result } from "../../core/errors/result.ts";
import type { Clock } from "../../core/domain/clock.ts";
import type { AuditRecord } from "../../core/domain/vault/audit-record.ts";
import type { VaultConfig } from "../../core/domain/vault/vault-config.ts";
import type { RequestAudit } from "../operations/request-audit.ts";
import type { VaultThrottle } from "../operations/vault-throttle.ts";
import type { AuditRepository } from "../storage/audit-repository.ts";
import { vaultNotFound } from "./vault-lifecycle.ts";

export const auditUnavailable = (): VaultError =>
  new VaultError("ServiceUnavailable", "The request was not processed because its audit record could not be written.");

/** A request's fields as the Worker knows them; time and vault are added here. */
export type WorkerAuditEntry = Omit<AuditRecord, "timeMs" | "tenantId" | "vault">;

/** A read the Worker answered from its edge cache: it knows when (its clock), the vault adds the rest. */
export type EdgeReadAuditEntry = WorkerAuditEntry & { readonly servedAtMs: number };

export interface AuditJournalDeps {
  readonly storage: DurableObjectStorage;
  readonly audit: AuditRepository;
  /** Its counts are written with each record: a request's charge and its record commit together. */
  readonly throttle: VaultThrottle;
  readonly clock: Clock;
  config(): VaultConfig | null;
  /** After a record was written: the alarm must cover pruning it (a no-op once it does; audit-prune-duty.ts). */
  armPruning(): void;
}

/**
 * The vault's audit log as requests write it: every call that ends a request leaves exactly one record, with the
 * throttle counts it consumed, and if the record cannot be written the request fails (fail closed).
 */
export class AuditJournal {
  /** Records of reads waiting for their shared commit (recordTogether). */
  private pendingRecords: AuditRecord[] = [];
  private pendingFlush: Promise<void> | null = null;

  constructor(private readonly deps: AuditJournalDeps) {}

  /** Writes a request's audit record with the throttle counts it consumed, atomically. */
  record(record: AuditRecord): void {
    this.deps.storage.transactionSync(() => {
      this.deps.throttle.persist();
      this.deps.audit.insert(record);
    });
    this.deps.armPruning();
  }

  /**
   * Inside a handler's transaction: the request's success record and throttle counts, once per request, so the
   * change and its record commit together or not at all (handler-context.ts).
   */
  recordWithin(audit: RequestAudit, result: unknown): void {
    if (!audit.recordsSuccess || audit.written) return;
    this.deps.throttle.persist();
    this.deps.audit.insert(audit.succeeded(result));
    audit.written = true;
  }

  /**
   * The end of a request whose record its handler's transaction wrote ({@link recordWithin}), or of a preflight
   * (recorded only if refused): the alarm must cover pruning, as after any record.
   */
  settle(): void {
    this.deps.armPruning();
  }

  /**
   * Records of requests that changed nothing, written together: each commit costs far more than a row
   * (bench: ~0.3 ms of CPU per commit against ~0.04 ms per row), so reads arriving while the first waits
   * share its commit. Each caller's answer waits for the transaction holding its record; if that fails,
   * every caller in it fails closed.
   */
  recordTogether(record: AuditRecord): Promise<void> {
    this.pendingRecords.push(record);
    if (this.pendingFlush === null) {
      this.pendingFlush = new Promise<void>((resolve, reject) => {
        // A macrotask: requests already queued for this object run (and queue their records) first.
        setTimeout(() => {
          const batch = this.pendingRecords;
          this.pendingRecords = [];
          this.pendingFlush = null;
          try {
            this.deps.storage.transactionSync(() => {
              this.deps.throttle.persist();
              for (const r of batch) this.deps.audit.insert(r);
            });
            this.deps.armPruning();
            resolve();
          } catch (err) {
            reject(err);
          }
        }, 0);
      });
    }
    return this.pendingFlush;
  }

  /**
   * The audit record of a request the Worker answered without calling `execute` (401 challenge, input rejected at
   * the boundary, unknown route). Time and vault come from here.
   */
  recordRequest(entry: WorkerAuditEntry): Result<null> {
    const config = this.deps.config();
    if (config === null) return fail(vaultNotFound());
    try {
      this.deps.storage.transactionSync(() => {
        this.deps.audit.insert({ ...entry, timeMs: this.deps.clock.now(), tenantId: config.tenantId, vault: config.name });
      });
    } catch (err) {
      console.error("audit record could not be written", err);
      return fail(auditUnavailable());
    }
    this.deps.armPruning();
    return ok(null);
  }

  /**
   * The records of reads answered at the edge (docs/edge-reads.md, "Edge cache"), a batch in one transaction, each at
   * the time the edge answered. A batch that cannot be written is refused whole; the Worker then stops answering
   * from its cache for this vault (worker/edge/edge-audit-batch.ts).
   */
  recordEdgeReads(entries: readonly EdgeReadAuditEntry[]): Result<null> {
    const config = this.deps.config();
    if (config === null) return fail(vaultNotFound());
    try {
      this.deps.storage.transactionSync(() => {
        for (const { servedAtMs, ...entry } of entries) {
          this.deps.audit.insert({ ...entry, timeMs: servedAtMs, tenantId: config.tenantId, vault: config.name });
        }
      });
    } catch (err) {
      console.error("edge read audit records could not be written", err);
      return fail(auditUnavailable());
    }
    this.deps.armPruning();
    return ok(null);
  }
}
