import { parseIsoDuration, subtractDuration } from "./iso-duration.ts";
import type { RotationPolicyInput } from "./rotation-policy.ts";
import { wantsEvent, type EventSubscription } from "../events/event-subscription.ts";
import type { VaultEventType } from "../events/vault-event.ts";

/**
 * When NearExpiry and Expired fall due for a name, worked out when its inputs change so the alarm only
 * reads the earliest due time (no scan of all objects).
 *
 * Whose expiry: Azure sends these "when the current version … is about to expire / is expired"
 * (Key Vault event types), so only the latest version counts, and only while the name is live and that
 * version enabled. A new version, a soft delete or disabling drops the old triggers; recover or
 * re-enabling computes them again (see EventSink.expiryInputsChanged).
 */
export type ExpiryEventName = "NearExpiry" | "Expired";

export interface ExpiryTrigger {
  readonly event: ExpiryEventName;
  /** Seconds before `exp`: 0 for Expired; a subscription's window or the key policy's Notify lead for NearExpiry. */
  readonly leadSeconds: number;
  /** Unix seconds. */
  readonly dueAt: number;
}

export interface ExpiryWants {
  readonly expired: boolean;
  /** Distinct lead times; duplicates are ignored. */
  readonly nearExpiryLeads: readonly number[];
}

/**
 * Triggers for a current version expiring at `exp`. A version already expired when this runs gets no
 * NearExpiry (that moment is gone; Expired says more); a lead whose time has passed but whose expiry
 * has not is due at once.
 */
export function expiryTriggers(exp: number, wants: ExpiryWants, nowSeconds: number): ExpiryTrigger[] {
  const triggers: ExpiryTrigger[] = [];
  if (wants.expired) triggers.push({ event: "Expired", leadSeconds: 0, dueAt: exp });
  if (exp > nowSeconds) {
    for (const lead of new Set(wants.nearExpiryLeads)) {
      if (lead > 0) triggers.push({ event: "NearExpiry", leadSeconds: lead, dueAt: exp - lead });
    }
  }
  return triggers;
}

/**
 * A key rotation policy's Notify action (timeBeforeExpiry) as seconds before this `exp`: Key Vault
 * publishes KeyNearExpiry at that time (key rotation docs, "Notify"). Months and years are calendar
 * units, so the lead depends on the expiry date.
 */
export function notifyLeadSeconds(policy: RotationPolicyInput | null, exp: number): number | null {
  const before = policy?.lifetimeActions.find((a) => a.action.type === "Notify")?.trigger.timeBeforeExpiry;
  const duration = before === undefined ? null : parseIsoDuration(before);
  if (duration === null) return null;
  const lead = exp - Math.floor(subtractDuration(exp * 1000, duration) / 1000);
  return lead > 0 ? lead : null;
}

export interface FiredTrigger extends ExpiryTrigger {
  readonly type: VaultEventType;
  readonly subject: string;
  /**
   * When the condition became true as far as anyone could know: the due time, or the version's last
   * change if that came later (an expiry set inside the window is near expiry from that moment).
   */
  readonly occurredAt: number;
  /** The key policy's Notify lead for this version, if any: it goes to every KeyNearExpiry subscriber. */
  readonly policyLeadSeconds: number | null;
}

/**
 * Whether a subscription receives a fired trigger. Not what happened before it existed (subscribing does
 * not replay history, as in Event Grid); a NearExpiry trigger of lead L reaches windows of at least L (a
 * longer window's own trigger fired earlier, and the outbox keeps it to one delivery per version).
 */
export function receivesExpiryEvent(subscription: EventSubscription, fired: FiredTrigger): boolean {
  if (!wantsEvent(subscription, fired.type, fired.subject) || fired.occurredAt < subscription.created) return false;
  return fired.event === "Expired" || subscription.nearExpirySeconds >= fired.leadSeconds || fired.leadSeconds === fired.policyLeadSeconds;
}

/**
 * What this subscription set wants triggers for, for one kind and name: nothing at all when no
 * subscription listens, so a vault without subscriptions stores no triggers.
 */
export function expiryWants(
  subscriptions: readonly EventSubscription[],
  types: { readonly nearExpiry: VaultEventType; readonly expired: VaultEventType },
  subject: string,
  policyLead: () => number | null,
): ExpiryWants {
  const near = subscriptions.filter((s) => wantsEvent(s, types.nearExpiry, subject));
  const leads = near.map((s) => s.nearExpirySeconds);
  if (near.length > 0) {
    const lead = policyLead();
    if (lead !== null) leads.push(lead);
  }
  return { expired: subscriptions.some((s) => wantsEvent(s, types.expired, subject)), nearExpiryLeads: leads };
}
