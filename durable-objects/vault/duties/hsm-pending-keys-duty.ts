import { undoPendingTokenKeys } from "../../operations/hsm-pending-keys.ts";
import type { VaultScope, Sealing, Transactions, KeyAccess } from "../../operations/vault-context.ts";
import type { HsmPendingKeyRepository } from "../../storage/hsm-pending-key-repository.ts";
import type { TimedDuty } from "../timed-duty.ts";

/** Key-making bridge calls whose outcome was never learnt are undone on the token (operations/hsm-pending-keys.ts). */
export function hsmPendingKeysDuty(pending: HsmPendingKeyRepository, context: () => VaultScope & Sealing & Transactions & KeyAccess): TimedDuty {
  return {
    name: "hsm-pending-keys",
    nextDue: () => pending.nextDue(),
    runDue: (nowSeconds) => undoPendingTokenKeys(context(), nowSeconds),
  };
}
