import type { EventSubscription, EventSubscriptionSettings } from "../../core/domain/events/event-subscription.ts";
import type { EventSchema, VaultEvent, VaultEventType } from "../../core/domain/events/vault-event.ts";
import { parseStoredEvent } from "../../core/domain/events/vault-event.ts";
import type { DeliveryStatus, DeliveryView } from "../../core/contract/events.ts";

type SubscriptionRow = {
  id: string;
  url: string;
  event_types: string;
  subject_prefix: string | null;
  near_expiry_seconds: number;
  event_schema: string;
  max_attempts: number;
  created: number;
};

type DeliveryRow = {
  id: string;
  subscription_id: string;
  event: string;
  status: string;
  attempts: number;
  next_attempt_at: number | null;
  last_error: string | null;
  created: number;
  updated: number;
};

const SUBSCRIPTION_COLUMNS = "id, url, event_types, subject_prefix, near_expiry_seconds, event_schema, max_attempts, created";
const DELIVERY_COLUMNS = "id, subscription_id, event, status, attempts, next_attempt_at, last_error, created, updated";

export interface NewDelivery {
  readonly id: string;
  readonly subscriptionId: string;
  readonly dedupeKey: string;
  readonly event: VaultEvent;
  readonly nextAttemptAt: number;
  readonly created: number;
}

export interface PendingDelivery {
  readonly id: string;
  readonly subscriptionId: string;
  readonly event: VaultEvent;
  readonly attempts: number;
}

/**
 * Event subscriptions and the delivery outbox (docs/decisions.md §2.2: SQL only here). Expiry triggers and the
 * object reads they are computed from are in expiry-trigger-repository.ts.
 */
export class EventRepository {
  constructor(private readonly sql: SqlStorage) {}

  subscriptions(): EventSubscription[] {
    return this.sql.exec<SubscriptionRow>(`SELECT ${SUBSCRIPTION_COLUMNS} FROM event_subscriptions ORDER BY id`).toArray().map(toSubscription);
  }

  subscription(id: string): EventSubscription | null {
    const row = this.sql.exec<SubscriptionRow>(`SELECT ${SUBSCRIPTION_COLUMNS} FROM event_subscriptions WHERE id = ?`, id).toArray()[0];
    return row === undefined ? null : toSubscription(row);
  }

  subscriptionCount(): number {
    return this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM event_subscriptions").one().n;
  }

  sealedSecret(id: string): Uint8Array | null {
    const row = this.sql.exec<{ sealed_secret: ArrayBuffer }>("SELECT sealed_secret FROM event_subscriptions WHERE id = ?", id).toArray()[0];
    return row === undefined ? null : new Uint8Array(row.sealed_secret);
  }

  insertSubscription(subscription: EventSubscription, sealedSecret: Uint8Array): void {
    this.sql.exec(
      `INSERT INTO event_subscriptions (${SUBSCRIPTION_COLUMNS}, sealed_secret) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      subscription.id,
      ...settingsValues(subscription),
      subscription.created,
      sealedSecret,
    );
  }

  updateSubscription(id: string, settings: EventSubscriptionSettings): void {
    this.sql.exec(
      "UPDATE event_subscriptions SET url = ?, event_types = ?, subject_prefix = ?, near_expiry_seconds = ?, event_schema = ?, " +
        "max_attempts = ? WHERE id = ?",
      ...settingsValues(settings),
      id,
    );
  }

  /** Removes the subscription and its deliveries (explicitly: nothing here relies on foreign-key enforcement). */
  deleteSubscription(id: string): boolean {
    this.sql.exec("DELETE FROM event_deliveries WHERE subscription_id = ?", id);
    return this.sql.exec("DELETE FROM event_subscriptions WHERE id = ?", id).rowsWritten > 0;
  }

  // The outbox: one row per (subscription, event).

  /** Adds a delivery unless this subscription already has one with the same dedupe key; true if added. */
  enqueue(d: NewDelivery): boolean {
    const cursor = this.sql.exec(
      "INSERT INTO event_deliveries (id, subscription_id, dedupe_key, event, status, attempts, next_attempt_at, last_error, created, updated) " +
        "VALUES (?, ?, ?, ?, 'pending', 0, ?, NULL, ?, ?) ON CONFLICT (subscription_id, dedupe_key) DO NOTHING",
      d.id,
      d.subscriptionId,
      d.dedupeKey,
      JSON.stringify(d.event),
      d.nextAttemptAt,
      d.created,
      d.created,
    );
    return cursor.rowsWritten > 0;
  }

  earliestDelivery(): number | null {
    return this.sql
      .exec<{ t: number | null }>("SELECT MIN(next_attempt_at) AS t FROM event_deliveries WHERE status = 'pending'")
      .one().t;
  }

  dueDeliveries(nowSeconds: number, limit: number): PendingDelivery[] {
    return this.sql
      .exec<DeliveryRow>(
        `SELECT ${DELIVERY_COLUMNS} FROM event_deliveries WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?`,
        nowSeconds,
        limit,
      )
      .toArray()
      .map((r) => ({ id: r.id, subscriptionId: r.subscription_id, event: parseStoredEvent(r.event), attempts: r.attempts }));
  }

  /** Records that attempt `attempts` starts now and when to try again should it never report back. */
  claimAttempt(id: string, attempts: number, retryAt: number, nowSeconds: number): void {
    this.sql.exec("UPDATE event_deliveries SET attempts = ?, next_attempt_at = ?, updated = ? WHERE id = ?", attempts, retryAt, nowSeconds, id);
  }

  /** Only a pending row changes: a delivery redelivered or removed meanwhile keeps its new state. */
  finishAttempt(id: string, status: DeliveryStatus, nextAttemptAt: number | null, lastError: string | null, nowSeconds: number): void {
    this.sql.exec(
      "UPDATE event_deliveries SET status = ?, next_attempt_at = ?, last_error = ?, updated = ? WHERE id = ? AND status = 'pending'",
      status,
      nextAttemptAt,
      lastError,
      nowSeconds,
      id,
    );
  }

  delivery(subscriptionId: string, id: string): DeliveryView | null {
    const row = this.sql
      .exec<DeliveryRow>(`SELECT ${DELIVERY_COLUMNS} FROM event_deliveries WHERE subscription_id = ? AND id = ?`, subscriptionId, id)
      .toArray()[0];
    return row === undefined ? null : toDeliveryView(row);
  }

  deliveries(subscriptionId: string, status: DeliveryStatus | undefined, limit: number): DeliveryView[] {
    const rows =
      status === undefined
        ? this.sql.exec<DeliveryRow>(
            `SELECT ${DELIVERY_COLUMNS} FROM event_deliveries WHERE subscription_id = ? ORDER BY created DESC, rowid DESC LIMIT ?`,
            subscriptionId,
            limit,
          )
        : this.sql.exec<DeliveryRow>(
            `SELECT ${DELIVERY_COLUMNS} FROM event_deliveries WHERE subscription_id = ? AND status = ? ORDER BY created DESC, rowid DESC LIMIT ?`,
            subscriptionId,
            status,
            limit,
          );
    return rows.toArray().map(toDeliveryView);
  }

  /** Back to pending from attempt one, due at `nowSeconds`. */
  restartDelivery(id: string, nowSeconds: number): void {
    this.sql.exec(
      "UPDATE event_deliveries SET status = 'pending', attempts = 0, next_attempt_at = ?, last_error = NULL, updated = ? WHERE id = ?",
      nowSeconds,
      nowSeconds,
      id,
    );
  }

  /**
   * Forgets finished deliveries last touched before `beforeSeconds`. An expiry delivery is kept while its
   * version exists: it is what stops that version's NearExpiry/Expired from being sent twice.
   */
  pruneFinished(beforeSeconds: number): number {
    return this.sql.exec(
      "DELETE FROM event_deliveries WHERE status != 'pending' AND updated < ? AND (" +
        "json_extract(event, '$.type') NOT LIKE '%Expir%' OR NOT EXISTS (SELECT 1 FROM object_versions v " +
        "WHERE v.kind = json_extract(event, '$.kind') AND v.name_key = lower(json_extract(event, '$.objectName')) " +
        "AND v.version = json_extract(event, '$.version')))",
      beforeSeconds,
    ).rowsWritten;
  }
}

function settingsValues(s: EventSubscriptionSettings): [string, string, string | null, number, EventSchema, number] {
  return [s.url, JSON.stringify(s.eventTypes), s.subjectBeginsWith, s.nearExpirySeconds, s.schema, s.maxDeliveryAttempts];
}

function toSubscription(row: SubscriptionRow): EventSubscription {
  return {
    id: row.id,
    url: row.url,
    eventTypes: JSON.parse(row.event_types) as VaultEventType[],
    subjectBeginsWith: row.subject_prefix,
    nearExpirySeconds: row.near_expiry_seconds,
    schema: row.event_schema === "CloudEventSchemaV1_0" ? "CloudEventSchemaV1_0" : "EventGridSchema",
    maxDeliveryAttempts: row.max_attempts,
    created: row.created,
  };
}

function toDeliveryView(row: DeliveryRow): DeliveryView {
  const event = parseStoredEvent(row.event);
  return {
    id: row.id,
    subscriptionId: row.subscription_id,
    eventId: event.id,
    eventType: event.type,
    subject: event.objectName,
    status: row.status as DeliveryStatus,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    lastError: row.last_error,
    created: row.created,
    updated: row.updated,
  };
}
