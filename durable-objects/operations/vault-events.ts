import { VaultError } from "../../core/errors/vault-error.ts";
import { utf8 } from "../../core/crypto/bytes.ts";
import { generateWebhookSecret } from "../../core/crypto/webhook-signature.ts";
import { toUnixSeconds, type Clock } from "../../core/domain/clock.ts";
import { DAY_SECONDS, MAX_SUBSCRIPTIONS_PER_VAULT, wantsEvent, type EventSubscription } from "../../core/domain/events/event-subscription.ts";
import { expiryTriggers, expiryWants, notifyLeadSeconds, receivesExpiryEvent, type FiredTrigger } from "../../core/domain/objects/expiry-schedule.ts";
import { nameKey } from "../../core/domain/objects/ids.ts";
import { fail, ok, type Result } from "../../core/errors/result.ts";
import { accessPolicyChangedEvent, objectEvent, objectEventType, type VaultEvent } from "../../core/domain/events/vault-event.ts";
import type { ObjectKind } from "../../core/domain/objects/versioned-object.ts";
import {
  DELIVERY_PAGE_MAX,
  type EventAdminKind,
  type EventAdminOp,
  type EventAdminOpOf,
  type EventAdminResult,
  type EventAdminResults,
} from "../../core/contract/events.ts";
import { EventRepository } from "../storage/event-repository.ts";
import { ExpiryTriggerRepository, type CurrentVersion, type DueTrigger } from "../storage/expiry-trigger-repository.ts";
import type { EventSink } from "./event-sink.ts";
import { webhookSecretAad } from "../../core/crypto/envelope/aad.ts";
import { EventDelivery, type DeliveryDeps } from "./event-delivery.ts";
import { sealValue } from "./sealed-values.ts";

/** What VaultEvents needs from its Durable Object; everything is read when used, never captured. */
export interface VaultEventsDeps extends DeliveryDeps {
  /** Read on every use: pass `{ now: () => this.clock.now() }` so a test's replacement clock is seen. */
  readonly clock: Clock;
  /** Points the alarm at the earliest due work, including {@link VaultEvents.nextDue}. */
  reschedule(): void;
}

const TRIGGER_BATCH = 500;
/** Finished deliveries stay visible through the API this long. */
const DELIVERY_HISTORY_DAYS = 30;

/** One delivery per (subscription, event type, object version): the outbox's unique key (0005_events.sql). */
const versionDedupeKey = (event: VaultEvent, kind: ObjectKind, version: string) =>
  `${event.type}|${kind}|${nameKey(event.objectName)}|${version}`;

const notFound = (id: string) => new VaultError("NotFound", `The event subscription '${id}' was not found.`);

/**
 * A vault's events (Event Grid for Key Vault): operations record events in an outbox inside their own
 * transactions (EventSink), expiry is found by triggers computed when inputs change, and the alarm
 * delivers signed webhooks with retries and a dead letter.
 */
export class VaultEvents implements EventSink {
  private readonly events: EventRepository;
  private readonly triggers: ExpiryTriggerRepository;
  private readonly delivery: EventDelivery;

  constructor(sql: SqlStorage, private readonly deps: VaultEventsDeps) {
    this.events = new EventRepository(sql);
    this.triggers = new ExpiryTriggerRepository(sql);
    this.delivery = new EventDelivery(this.events, deps);
  }

  // EventSink: synchronous, SQL only, inside the caller's transaction.

  versionCreated(kind: ObjectKind, name: string, version: string): void {
    this.versionEvent(kind, name, version, "NewVersionCreated");
  }

  nearExpiryNotice(kind: ObjectKind, name: string, version: string): void {
    // Same dedupe key as a trigger-fired NearExpiry: a subscriber hears it once per version either way.
    this.versionEvent(kind, name, version, "NearExpiry");
  }

  expiryInputsChanged(kind: ObjectKind, name: string): void {
    const subscriptions = this.events.subscriptions();
    // Without subscriptions there are no triggers (rebuildTriggers cleared them): nothing to recompute.
    if (subscriptions.length === 0) return;
    this.recompute(kind, nameKey(name), subscriptions);
    this.deps.reschedule();
  }

  accessPolicyChanged(): void {
    const config = this.deps.config();
    const event = accessPolicyChangedEvent(config.name, this.deps.clock.now());
    const targets = this.events.subscriptions().filter((s) => wantsEvent(s, event.type, event.objectName));
    if (targets.length === 0) return;
    // Every change is its own event: the event id is the dedupe key.
    this.enqueue(targets, event, `${event.type}|${event.id}`);
    this.deps.reschedule();
  }

  private versionEvent(kind: ObjectKind, name: string, version: string, eventName: "NewVersionCreated" | "NearExpiry"): void {
    const subscriptions = this.events.subscriptions();
    if (subscriptions.length === 0) return;
    const current = this.triggers.version(kind, nameKey(name), version);
    if (current === null) return;
    const type = objectEventType(kind, eventName);
    const targets = subscriptions.filter((s) => wantsEvent(s, type, current.name));
    if (targets.length === 0) return;
    const event = objectEvent(kind, eventName, current, this.deps.clock.now());
    this.enqueue(targets, event, versionDedupeKey(event, kind, version));
    this.deps.reschedule();
  }

  // Scheduling.

  /** Unix seconds of the earliest pending trigger or delivery attempt; null when nothing waits. */
  nextDue(): number | null {
    const times = [this.triggers.earliestTrigger(), this.events.earliestDelivery()].filter((t): t is number => t !== null);
    return times.length === 0 ? null : Math.min(...times);
  }

  /** Fires due expiry triggers into the outbox, then attempts due deliveries. `nowSeconds` is Unix seconds. */
  async runDue(nowSeconds: number): Promise<void> {
    this.deps.transaction(() => {
      this.fireDueTriggers(nowSeconds);
      this.events.pruneFinished(nowSeconds - DELIVERY_HISTORY_DAYS * DAY_SECONDS);
    });
    await this.delivery.deliverDue(nowSeconds);
  }

  // Control plane.

  /** The control-plane operations VaultObject's RPC method forwards here (event-rpc.ts). */
  async manage<K extends EventAdminKind>(op: EventAdminOpOf<K>): Promise<Result<EventAdminResults[K]>>;
  async manage(op: EventAdminOp): Promise<Result<EventAdminResult>>;
  async manage(op: EventAdminOp): Promise<Result<EventAdminResult>> {
    try {
      return ok(await this.run(op));
    } catch (err) {
      if (err instanceof VaultError) return fail(err);
      throw err;
    }
  }

  private async run(op: EventAdminOp): Promise<EventAdminResult> {
    switch (op.kind) {
      case "subscription.put":
        return this.putSubscription(op);
      case "subscription.get":
        return this.requireSubscription(op.id);
      case "subscription.list":
        return this.events.subscriptions();
      case "subscription.delete":
        this.deps.transaction(() => {
          if (!this.events.deleteSubscription(op.id)) throw notFound(op.id);
          this.rebuildTriggers();
        });
        this.deps.reschedule();
        return null;
      case "delivery.list":
        this.requireSubscription(op.subscriptionId);
        return this.events.deliveries(op.subscriptionId, op.status, Math.min(Math.max(1, op.top), DELIVERY_PAGE_MAX));
      case "delivery.redeliver":
        return this.redeliver(op.subscriptionId, op.deliveryId);
    }
  }

  private requireSubscription(id: string): EventSubscription {
    const found = this.events.subscription(id);
    if (found === null) throw notFound(id);
    return found;
  }

  /** Creates with a new secret (sealed first: the only await), or replaces an existing subscription's settings. */
  private async putSubscription(op: EventAdminOpOf<"subscription.put">): Promise<EventAdminResults["subscription.put"]> {
    const update = () => {
      const existing = this.events.subscription(op.id);
      if (existing === null) return null;
      this.events.updateSubscription(op.id, op.settings);
      this.rebuildTriggers();
      return { subscription: { ...op.settings, id: op.id, created: existing.created }, created: false, signingSecret: null };
    };
    const updated = this.deps.transaction(update);
    if (updated !== null) {
      this.deps.reschedule();
      return updated;
    }
    if (this.events.subscriptionCount() >= MAX_SUBSCRIPTIONS_PER_VAULT) {
      throw new VaultError("Conflict", `A vault may have at most ${MAX_SUBSCRIPTIONS_PER_VAULT} event subscriptions.`);
    }
    const secret = generateWebhookSecret();
    const sealed = await sealValue(this.deps, webhookSecretAad(this.deps.config(), op.id), utf8(secret));
    const result = this.deps.transaction(() => {
      // Another request may have created it while the secret was being sealed; then this one updates it.
      const raced = update();
      if (raced !== null) return raced;
      const subscription: EventSubscription = { ...op.settings, id: op.id, created: toUnixSeconds(this.deps.clock.now()) };
      this.events.insertSubscription(subscription, sealed);
      this.rebuildTriggers();
      return { subscription, created: true, signingSecret: secret };
    });
    this.deps.reschedule();
    return result;
  }

  private redeliver(subscriptionId: string, deliveryId: string): EventAdminResults["delivery.redeliver"] {
    this.requireSubscription(subscriptionId);
    const delivery = this.events.delivery(subscriptionId, deliveryId);
    if (delivery === null) throw new VaultError("NotFound", `The delivery '${deliveryId}' was not found.`);
    if (delivery.status !== "deadLettered") throw new VaultError("Conflict", "Only a dead-lettered delivery can be redelivered.");
    this.events.restartDelivery(deliveryId, toUnixSeconds(this.deps.clock.now()));
    this.deps.reschedule();
    return this.events.delivery(subscriptionId, deliveryId) ?? delivery;
  }

  // Expiry triggers.

  /** Triggers of one name from what is stored now; none unless its latest version is live, enabled and expiring. */
  private recompute(kind: ObjectKind, key: string, subscriptions: readonly EventSubscription[]): void {
    const current = this.triggers.currentVersion(kind, key);
    const version = current === null || current.deleted || !current.enabled || current.exp === null ? null : current;
    this.triggers.replaceTriggers(kind, key, version?.version ?? null, version === null ? [] : this.triggersFor(version, subscriptions));
  }

  private triggersFor(current: CurrentVersion, subscriptions: readonly EventSubscription[]) {
    const exp = current.exp ?? 0;
    const types = { nearExpiry: objectEventType(current.kind, "NearExpiry"), expired: objectEventType(current.kind, "Expired") };
    const wants = expiryWants(subscriptions, types, current.name, () => this.policyLead(current, exp));
    return expiryTriggers(exp, wants, toUnixSeconds(this.deps.clock.now()));
  }

  private policyLead(current: Pick<CurrentVersion, "kind" | "nameKey">, exp: number): number | null {
    return current.kind === "key" ? notifyLeadSeconds(this.triggers.rotationPolicy(current.nameKey), exp) : null;
  }

  /** After a subscription change the set of lead times changed: recompute every expiring name (control plane only). */
  private rebuildTriggers(): void {
    const subscriptions = this.events.subscriptions();
    this.triggers.deleteAllTriggers();
    if (subscriptions.length === 0) return;
    for (const current of this.triggers.expiringCurrentVersions()) {
      this.triggers.replaceTriggers(current.kind, current.nameKey, current.version, this.triggersFor(current, subscriptions));
    }
  }

  private fireDueTriggers(nowSeconds: number): void {
    const subscriptions = this.events.subscriptions();
    for (;;) {
      const due = this.triggers.dueTriggers(nowSeconds, TRIGGER_BATCH);
      for (const trigger of due) this.fire(trigger, subscriptions);
      if (due.length < TRIGGER_BATCH) return;
    }
  }

  /** A trigger fires once: it is removed, and a version no longer current, live, enabled and expiring gets nothing. */
  private fire(trigger: DueTrigger, subscriptions: readonly EventSubscription[]): void {
    this.triggers.deleteTrigger(trigger);
    const v = trigger.version;
    if (v === null || !trigger.isCurrent || v.deleted || !v.enabled || v.exp === null) return;
    const fired: FiredTrigger = {
      ...trigger,
      type: objectEventType(v.kind, trigger.event),
      subject: v.name,
      occurredAt: Math.max(trigger.dueAt, v.updated),
      policyLeadSeconds: trigger.event === "NearExpiry" ? this.policyLead(v, v.exp) : null,
    };
    const targets = subscriptions.filter((s) => receivesExpiryEvent(s, fired));
    if (targets.length === 0) return;
    const event = objectEvent(v.kind, trigger.event, v, fired.occurredAt * 1000);
    // Without the lead: a subscriber gets a version's NearExpiry once, whichever lead fires first.
    this.enqueue(targets, event, versionDedupeKey(event, v.kind, v.version));
  }

  private enqueue(targets: readonly EventSubscription[], event: VaultEvent, dedupeKey: string): void {
    const now = toUnixSeconds(this.deps.clock.now());
    for (const s of targets) {
      this.events.enqueue({ id: crypto.randomUUID(), subscriptionId: s.id, dedupeKey, event, nextAttemptAt: now, created: now });
    }
  }
}
