import { purgeDueObjects } from "../../operations/scheduled-purge.ts";
import type { VaultScope, ObjectStore, Sealing, Transactions, KeyAccess, EventOutbox } from "../../operations/vault-context.ts";
import type { ObjectRepository } from "../../storage/object-repository.ts";
import type { TimedDuty } from "../timed-duty.ts";

/** Soft-deleted objects whose retention has ended are purged (operations/scheduled-purge.ts). */
export function scheduledPurgeDuty(objects: ObjectRepository, context: () => VaultScope & ObjectStore & Sealing & Transactions & KeyAccess & EventOutbox): TimedDuty {
  return {
    name: "scheduled-purge",
    nextDue: () => objects.earliestScheduledPurge(),
    runDue: (nowSeconds) => purgeDueObjects(context(), nowSeconds),
  };
}
