import { env, runInDurableObject } from "cloudflare:test";
import { expect } from "vitest";
import { DataKey } from "../../core/crypto/envelope/data-key.ts";
import { rootKeyFromEnv } from "../../core/crypto/envelope/root-key.ts";
import { ManualClock } from "../../core/domain/clock.ts";
import { DAY_SECONDS, type EventSubscriptionSettings } from "../../core/domain/events/event-subscription.ts";
import { newVersionId } from "../../core/domain/objects/ids.ts";
import type { Result } from "../../core/errors/result.ts";
import type { VaultConfig } from "../../core/domain/vault/vault-config.ts";
import { VAULT_EVENT_TYPES } from "../../core/domain/events/vault-event.ts";
import type { ObjectKind } from "../../core/domain/objects/versioned-object.ts";
import type { DeliveryView } from "../../core/contract/events.ts";
import { VaultEvents } from "../../durable-objects/operations/vault-events.ts";
import type { WebhookTargetGuard } from "../../durable-objects/operations/webhook-target-guard.ts";
import { ObjectRepository } from "../../durable-objects/storage/object-repository.ts";
import { RotationPolicyRepository } from "../../durable-objects/storage/rotation-policy-repository.ts";
import { uniqueVaultName } from "./fixture.ts";
import { WebhookReceiver } from "./webhook-receiver.ts";

/**
 * VaultEvents inside a real vault Durable Object (its migrated SQLite), driven the way VaultObject drives
 * it: versions written through ObjectRepository, then the EventSink calls an operation makes; runDue as
 * the alarm calls it. Time is a ManualClock; webhooks go to a recording receiver.
 */
export const D = DAY_SECONDS;
export const T0 = Date.UTC(2030, 0, 1) / 1000;
export const TENANT = "00000000-0000-4000-8000-00000000e7e7";
export const BASE_URL = "https://evvault.vault.localhost:8443";
export const HOOK = "https://receiver.example.com/hook";

const dataKey = rootKeyFromEnv(env.ROOT_KEY).then(async (root) => (await DataKey.create(root, "vault|test|events")).dataKey);

export interface Harness {
  events: VaultEvents;
  objects: ObjectRepository;
  rotations: RotationPolicyRepository;
  clock: ManualClock;
  receiver: WebhookReceiver;
  state: DurableObjectState;
  config: VaultConfig;
  /** Moves the clock to `seconds` and runs what is due, as the alarm would. */
  runAt(seconds: number): Promise<void>;
  subscribe(id: string, settings?: Partial<EventSubscriptionSettings>): Promise<string>;
  /** Stores a new version and tells the sink, as a set/create/rotate handler does. */
  putVersion(kind: ObjectKind, name: string, attrs?: { exp?: number; enabled?: boolean }): string;
  /** Changes the latest version's attributes and tells the sink, as an update handler does. */
  updateLatest(kind: ObjectKind, name: string, attrs: { exp?: number; enabled?: boolean }): void;
  deliveries(subscriptionId: string, status?: DeliveryView["status"]): Promise<DeliveryView[]>;
}

export function value<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value;
}

/** What a test may change about the vault object's outbound side. */
export interface HarnessOptions {
  /** The delivery-time target check; absent, VaultEvents uses the runtime's (private targets allowed in tests). */
  readonly targetGuard?: WebhookTargetGuard;
  /** The outbound fetch, given the recording receiver; absent, the receiver's own. */
  readonly fetch?: (receiver: WebhookReceiver) => typeof fetch;
}

/** Runs `body` inside a fresh vault object with a harness around VaultEvents. */
export async function withEvents(body: (h: Harness) => Promise<void>, options: HarnessOptions = {}): Promise<void> {
  const name = uniqueVaultName("ev");
  const stub = env.VAULT.get(env.VAULT.idFromName(name));
  const config: VaultConfig = { name, tenantId: TENANT, retentionDays: 90, purgeProtection: false, sku: "standard", created: T0 };
  await runInDurableObject(stub, async (_instance, state) => {
    const clock = new ManualClock(T0 * 1000);
    const receiver = new WebhookReceiver();
    const objects = new ObjectRepository(state.storage.sql);
    const rotations = new RotationPolicyRepository(state.storage.sql);
    const events = new VaultEvents(state.storage.sql, {
      config: () => config,
      clock,
      dataKey: () => dataKey,
      vaultBaseUrl: () => BASE_URL,
      fetch: options.fetch === undefined ? receiver.fetch : options.fetch(receiver),
      transaction: (fn) => state.storage.transactionSync(fn),
      reschedule: () => undefined,
      attemptTimeoutMs: 300,
      ...(options.targetGuard === undefined ? {} : { targetGuard: options.targetGuard }),
    });
    const now = () => Math.floor(clock.now() / 1000);
    const h: Harness = {
      events,
      objects,
      rotations,
      clock,
      receiver,
      state,
      config,
      async runAt(seconds) {
        clock.set(seconds * 1000);
        await events.runDue(seconds);
      },
      async subscribe(id, settings = {}) {
        const put = value(
          await events.manage({
            kind: "subscription.put",
            id,
            settings: {
              url: HOOK,
              eventTypes: [...VAULT_EVENT_TYPES],
              subjectBeginsWith: null,
              nearExpirySeconds: 30 * D,
              schema: "EventGridSchema",
              maxDeliveryAttempts: 8,
              ...settings,
            },
          }),
        );
        expect(put.created).toBe(true);
        return put.signingSecret as string;
      },
      putVersion(kind, objectName, attrs = {}) {
        const key = objectName.toLowerCase();
        const version = newVersionId();
        state.storage.transactionSync(() => {
          if (objects.findName(kind, key) === null) objects.insertName(kind, key, objectName);
          objects.insertVersion(kind, key, {
            name: objectName,
            version,
            seq: objects.nextSeq(kind, key),
            attributes: { enabled: attrs.enabled ?? true, ...(attrs.exp === undefined ? {} : { exp: attrs.exp }), created: now(), updated: now() },
            managed: false,
            sealedValue: new Uint8Array([1]),
          });
          events.versionCreated(kind, objectName, version);
          events.expiryInputsChanged(kind, objectName);
        });
        return version;
      },
      updateLatest(kind, objectName, attrs) {
        const key = objectName.toLowerCase();
        const latest = objects.versionWithState(kind, key, undefined)?.latest;
        if (latest === undefined) throw new Error("no such object");
        state.storage.transactionSync(() => {
          objects.updateMetadata(kind, key, { ...latest, attributes: { ...latest.attributes, ...attrs, updated: now() } });
          events.expiryInputsChanged(kind, objectName);
        });
      },
      async deliveries(subscriptionId, status) {
        return value(await events.manage({ kind: "delivery.list", subscriptionId, top: 100, ...(status === undefined ? {} : { status }) }));
      },
    };
    await body(h);
  });
}
