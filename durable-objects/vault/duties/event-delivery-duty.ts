import type { VaultEvents } from "../../operations/vault-events.ts";
import type { TimedDuty } from "../timed-duty.ts";

/** Webhook deliveries and their retries, expiry triggers that fired, finished deliveries aged out (vault-events.ts). */
export function eventDeliveryDuty(events: VaultEvents): TimedDuty {
  return {
    name: "event-delivery",
    nextDue: () => events.nextDue(),
    runDue: (nowSeconds) => events.runDue(nowSeconds),
  };
}
