import { DAY_MS, toUnixSeconds, type Clock } from "../../../core/domain/clock.ts";
import { AUDIT_PRUNE_BATCH, type AuditRepository } from "../../storage/audit-repository.ts";
import type { VaultRepository } from "../../storage/vault-repository.ts";
import type { TimedDuty } from "../timed-duty.ts";

/** Audit pruning runs on the hour; records just past retention may wait that long. */
const AUDIT_PRUNE_INTERVAL_MS = 60 * 60 * 1000;

export interface AuditPruneDeps {
  readonly storage: DurableObjectStorage;
  readonly audit: AuditRepository;
  /** Holds the vault's audit retention (operational settings). */
  readonly vaults: VaultRepository;
  readonly clock: Clock;
}

/**
 * Deletes audit records past the vault's retention, one bounded batch per alarm so the vault never stalls on a
 * large delete; the next alarm comes at once while more remain.
 */
export function auditPruneDuty({ storage, audit, vaults, clock }: AuditPruneDeps): TimedDuty {
  return {
    name: "audit-prune",
    /**
     * When the oldest audit record leaves retention: at once if it already has, otherwise rounded up to the hour so
     * one alarm prunes an hour's records.
     */
    nextDue() {
      const oldest = audit.oldestTimeMs();
      if (oldest === null) return null;
      const due = oldest + vaults.auditRetentionDays() * DAY_MS;
      if (due <= clock.now()) return toUnixSeconds(clock.now());
      return Math.ceil(due / AUDIT_PRUNE_INTERVAL_MS) * (AUDIT_PRUNE_INTERVAL_MS / 1000);
    },
    // Millisecond time, not the run's whole seconds: retention is measured against record times in ms.
    async runDue() {
      const cutoff = clock.now() - vaults.auditRetentionDays() * DAY_MS;
      storage.transactionSync(() => audit.pruneOlderThan(cutoff, AUDIT_PRUNE_BATCH));
    },
  };
}
