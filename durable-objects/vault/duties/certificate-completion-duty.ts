import { completeDueIssuances } from "../../operations/certificate-completion.ts";
import type { VaultScope, ObjectStore, Sealing, Transactions, Scheduling, EventOutbox, CertificateStores } from "../../operations/vault-context.ts";
import type { CertificateOperationRepository } from "../../storage/certificate-operation-repository.ts";
import type { TimedDuty } from "../timed-duty.ts";

/**
 * Self-signed issuances whose completion time has come and that no request has completed yet
 * (operations/certificate-completion.ts): their certificates and NewVersionCreated events must not wait for a reader.
 */
export function certificateCompletionDuty(
  operations: CertificateOperationRepository,
  context: () => VaultScope & ObjectStore & Sealing & Transactions & Scheduling & EventOutbox & CertificateStores,
): TimedDuty {
  return {
    name: "certificate-completion",
    // Completion times are in milliseconds; the alarm is armed in whole seconds, never before one falls due.
    nextDue: () => {
      const next = operations.nextCompletion();
      return next === null ? null : Math.ceil(next / 1000);
    },
    runDue: () => completeDueIssuances(context()),
  };
}
