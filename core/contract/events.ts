/**
 * The control-plane contract of a vault's events, crossing Worker → VaultObject RPC: typed operations
 * and results (values, never rows), answered as a Result (errors as values, docs/decisions.md §2.3).
 */
import type { EventSubscription, EventSubscriptionSettings } from "../domain/events/event-subscription.ts";
import type { VaultEventType } from "../domain/events/vault-event.ts";

export const DELIVERY_STATUSES = ["pending", "delivered", "deadLettered"] as const;

/** pending: waiting for its next attempt; delivered: a 2xx came back; deadLettered: given up. */
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export const DELIVERY_PAGE_DEFAULT = 100;
export const DELIVERY_PAGE_MAX = 1000;

export interface DeliveryView {
  readonly id: string;
  readonly subscriptionId: string;
  readonly eventId: string;
  readonly eventType: VaultEventType;
  readonly subject: string;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  /** Unix seconds; null once delivered or dead-lettered. */
  readonly nextAttemptAt: number | null;
  /** Why the last attempt failed ("HTTP 503", "timeout", …); null if it has not failed. */
  readonly lastError: string | null;
  readonly created: number;
  readonly updated: number;
}

export type EventAdminOp =
  /** Creates the subscription with a fresh signing secret, or replaces the settings of an existing one (secret kept). */
  | { readonly kind: "subscription.put"; readonly id: string; readonly settings: EventSubscriptionSettings }
  | { readonly kind: "subscription.get"; readonly id: string }
  | { readonly kind: "subscription.list" }
  /** Removes the subscription with its pending and past deliveries. */
  | { readonly kind: "subscription.delete"; readonly id: string }
  /** Newest first. */
  | { readonly kind: "delivery.list"; readonly subscriptionId: string; readonly status?: DeliveryStatus; readonly top: number }
  /** Sends a dead-lettered delivery again, from attempt one. */
  | { readonly kind: "delivery.redeliver"; readonly subscriptionId: string; readonly deliveryId: string };

export interface SubscriptionPutResult {
  readonly subscription: EventSubscription;
  readonly created: boolean;
  /** The signing secret, returned once, on creation; never again (it is stored sealed). */
  readonly signingSecret: string | null;
}

export interface EventAdminResults {
  "subscription.put": SubscriptionPutResult;
  "subscription.get": EventSubscription;
  "subscription.list": EventSubscription[];
  "subscription.delete": null;
  "delivery.list": DeliveryView[];
  "delivery.redeliver": DeliveryView;
}

export type EventAdminKind = EventAdminOp["kind"];
export type EventAdminOpOf<K extends EventAdminKind> = Extract<EventAdminOp, { readonly kind: K }>;
export type EventAdminResult = EventAdminResults[EventAdminKind];
