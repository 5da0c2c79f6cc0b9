import { rotateDueKeys } from "../../operations/key-rotation.ts";
import type { VaultScope, ObjectStore, Sealing, Transactions, KeyAccess, Scheduling, EventOutbox, RotationStore } from "../../operations/vault-context.ts";
import type { RotationPolicyRepository } from "../../storage/rotation-policy-repository.ts";
import type { TimedDuty } from "../timed-duty.ts";

/** Keys whose rotation policy has fallen due get a new version (operations/key-rotation.ts). */
export function keyRotationDuty(rotations: RotationPolicyRepository, context: () => VaultScope & ObjectStore & Sealing & Transactions & KeyAccess & Scheduling & EventOutbox & RotationStore): TimedDuty {
  return {
    name: "key-rotation",
    nextDue: () => rotations.earliestRotation(),
    runDue: (nowSeconds) => rotateDueKeys(context(), nowSeconds),
  };
}
