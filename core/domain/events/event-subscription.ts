import type { EventSchema, VaultEventType } from "./vault-event.ts";

/**
 * A webhook subscription to one vault's events: Event Grid's event subscription reduced to what a vault
 * needs (endpoint, includedEventTypes, subjectBeginsWith, delivery schema, max delivery attempts), plus
 * the near-expiry window Azure fixes at 30 days and we let each subscription choose.
 */
export interface EventSubscriptionSettings {
  /** The webhook; validated at the edge (https, or http on loopback). May carry a query secret, so never echoed whole. */
  readonly url: string;
  readonly eventTypes: readonly VaultEventType[];
  /** Case-insensitive prefix of the subject (the object's name), as Event Grid's subjectBeginsWith by default. */
  readonly subjectBeginsWith: string | null;
  readonly nearExpirySeconds: number;
  readonly schema: EventSchema;
  readonly maxDeliveryAttempts: number;
}

export interface EventSubscription extends EventSubscriptionSettings {
  /** Lower-cased subscription name. */
  readonly id: string;
  /** Unix seconds. Events that happened before this are not delivered to it. */
  readonly created: number;
}

/** Event Grid's event subscription names: 3–64 letters, digits and hyphens. */
export const SUBSCRIPTION_ID = /^[A-Za-z0-9-]{3,64}$/;

/** Event Grid allows 500 event subscriptions per topic; a vault is one topic. */
export const MAX_SUBSCRIPTIONS_PER_VAULT = 500;

/** Azure sends NearExpiry 30 days before expiry ("Azure Key Vault as Event Grid source"). */
export const NEAR_EXPIRY_DEFAULT_DAYS = 30;
export const NEAR_EXPIRY_MIN_DAYS = 1;
export const NEAR_EXPIRY_MAX_DAYS = 365;

export const DAY_SECONDS = 86_400;

export function wantsEvent(subscription: EventSubscriptionSettings, type: VaultEventType, subject: string): boolean {
  if (!subscription.eventTypes.includes(type)) return false;
  const prefix = subscription.subjectBeginsWith;
  return prefix === null || subject.toLowerCase().startsWith(prefix.toLowerCase());
}

/** The endpoint without query or fragment: what the API shows, as Event Grid shows `endpointBaseUrl`. */
export function endpointBaseUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
}
