import { runDueLifetimeActions } from "../../operations/certificate-lifetime.ts";
import type { VaultScope, ObjectStore, Sealing, Transactions, Scheduling, EventOutbox, CertificateStores } from "../../operations/vault-context.ts";
import type { CertificatePolicyRepository } from "../../storage/certificate-policy-repository.ts";
import type { TimedDuty } from "../timed-duty.ts";

/** Certificate policies' lifetime actions (renew, notify) that fell due (operations/certificate-lifetime.ts). */
export function certificateLifetimeDuty(policies: CertificatePolicyRepository, context: () => VaultScope & ObjectStore & Sealing & Transactions & Scheduling & EventOutbox & CertificateStores): TimedDuty {
  return {
    name: "certificate-lifetime",
    nextDue: () => policies.earliestAction(),
    // It takes the time from the context's clock, when it runs (as before the scheduler).
    runDue: () => runDueLifetimeActions(context()),
  };
}
