import { describe, expect, it } from "vitest";
import { validateRotationPolicy } from "../../core/domain/objects/rotation-policy.ts";
import type { VaultEventType } from "../../core/domain/events/vault-event.ts";
import { failOnlyOnTrulyUnhandledRejections } from "../support/rejections.ts";
import { BASE_URL, D, HOOK, T0, TENANT, value, withEvents, type Harness } from "../support/vault-events-harness.ts";
import { nodeVerifies } from "../support/webhook-receiver.ts";

failOnlyOnTrulyUnhandledRejections();

/**
 * VaultEvents inside a real vault Durable Object, through the harness (test/support/vault-events-harness.ts):
 * events, expiry triggers, and delivery with retries. Webhook target checks: webhook-targets.test.ts.
 */
const ofType = (h: Harness, type: VaultEventType) => h.receiver.eventGridEvents().filter((e) => e.eventType === type);

describe("NewVersionCreated", () => {
  it("is delivered once per matching subscription, signed, in the Event Grid schema with Event Grid's headers", async () => {
    await withEvents(async (h) => {
      const secret = await h.subscribe("all-events");
      await h.subscribe("keys-only", { eventTypes: ["Microsoft.KeyVault.KeyNewVersionCreated"] });
      await h.subscribe("prod-only", { subjectBeginsWith: "PROD-" });
      const version = h.putVersion("secret", "Db-Password");
      // A second call for the same version (a retried handler) is not a second event.
      h.state.storage.transactionSync(() => h.events.versionCreated("secret", "db-password", version));
      expect(h.events.nextDue()).toBe(T0);
      await h.runAt(T0);

      expect(h.receiver.received).toHaveLength(1);
      const delivery = h.receiver.received[0]!;
      expect(delivery.url).toBe(HOOK);
      expect(nodeVerifies(secret, delivery)).toBe(true);
      expect(delivery.headers.get("X-Vault-Timestamp")).toBe(String(T0));
      expect(delivery.headers.get("Content-Type")).toBe("application/json; charset=utf-8");
      expect(delivery.headers.get("aeg-event-type")).toBe("Notification");
      expect(delivery.headers.get("aeg-subscription-name")).toBe("ALL-EVENTS");
      expect(delivery.headers.get("aeg-delivery-count")).toBe("0");
      const [event] = h.receiver.eventGridEvents();
      expect(event).toStrictEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        topic: `/tenants/${TENANT}/providers/Microsoft.KeyVault/vaults/${h.config.name}`,
        subject: "Db-Password",
        eventType: "Microsoft.KeyVault.SecretNewVersionCreated",
        eventTime: new Date(T0 * 1000).toISOString(),
        data: {
          Id: `${BASE_URL}/secrets/Db-Password/${version}`,
          VaultName: h.config.name,
          ObjectType: "Secret",
          ObjectName: "Db-Password",
          Version: version,
          NBF: null,
          EXP: null,
        },
        dataVersion: "1",
        metadataVersion: "1",
      });
      expect(h.events.nextDue()).toBeNull();
      expect(await h.deliveries("all-events", "delivered")).toMatchObject([{ attempts: 1, eventId: event!.id, subject: "Db-Password", lastError: null }]);
      await h.runAt(T0 + 3600);
      expect(h.receiver.received).toHaveLength(1);
    });
  });

  it("reaches a PROD- prefixed name's subscriber, case-insensitively, and a key subscriber only for keys", async () => {
    await withEvents(async (h) => {
      await h.subscribe("keys-only", { eventTypes: ["Microsoft.KeyVault.KeyNewVersionCreated"] });
      await h.subscribe("prod-only", { subjectBeginsWith: "PROD-", eventTypes: ["Microsoft.KeyVault.SecretNewVersionCreated"] });
      h.putVersion("secret", "prod-api-key");
      h.putVersion("key", "signing");
      h.putVersion("secret", "test-api-key");
      await h.runAt(T0);
      expect((await h.deliveries("prod-only")).map((d) => d.subject)).toStrictEqual(["prod-api-key"]);
      expect((await h.deliveries("keys-only")).map((d) => [d.eventType, d.subject])).toStrictEqual([["Microsoft.KeyVault.KeyNewVersionCreated", "signing"]]);
    });
  });

  it("can be delivered as a CloudEvent", async () => {
    await withEvents(async (h) => {
      const secret = await h.subscribe("cloud", { schema: "CloudEventSchemaV1_0" });
      const version = h.putVersion("key", "k1", { exp: T0 + 400 * D });
      await h.runAt(T0);
      const delivery = h.receiver.received[0]!;
      expect(nodeVerifies(secret, delivery)).toBe(true);
      expect(delivery.headers.get("Content-Type")).toBe("application/cloudevents+json; charset=utf-8");
      expect(JSON.parse(delivery.body)).toMatchObject({
        specversion: "1.0",
        type: "Microsoft.KeyVault.KeyNewVersionCreated",
        source: `/tenants/${TENANT}/providers/Microsoft.KeyVault/vaults/${h.config.name}`,
        subject: "k1",
        datacontenttype: "application/json",
        data: { Id: `${BASE_URL}/keys/k1/${version}`, ObjectType: "Key", EXP: T0 + 400 * D },
      });
    });
  });
});

describe("NearExpiry and Expired", () => {
  it("fire exactly once per version and subscription as the clock moves, each at its own window", async () => {
    await withEvents(async (h) => {
      const secret30 = await h.subscribe("month", { eventTypes: ["Microsoft.KeyVault.SecretNearExpiry", "Microsoft.KeyVault.SecretExpired"] });
      await h.subscribe("week", { nearExpirySeconds: 7 * D, eventTypes: ["Microsoft.KeyVault.SecretNearExpiry"] });
      const exp = T0 + 40 * D;
      const version = h.putVersion("secret", "tls-password", { exp });
      expect(h.events.nextDue()).toBe(exp - 30 * D);

      await h.runAt(exp - 30 * D - 1);
      expect(h.receiver.received).toHaveLength(0);
      await h.runAt(exp - 30 * D);
      expect(await h.deliveries("month")).toMatchObject([{ eventType: "Microsoft.KeyVault.SecretNearExpiry", status: "delivered" }]);
      expect(await h.deliveries("week")).toStrictEqual([]);
      expect(h.events.nextDue()).toBe(exp - 7 * D);
      await h.runAt(exp - 20 * D);

      await h.runAt(exp - 7 * D);
      expect((await h.deliveries("week")).map((d) => d.eventType)).toStrictEqual(["Microsoft.KeyVault.SecretNearExpiry"]);
      expect((await h.deliveries("month")).length).toBe(1);

      await h.runAt(exp);
      await h.runAt(exp + D);
      // Touching an expired version later recomputes its triggers; the outbox keeps them to one delivery each.
      h.updateLatest("secret", "tls-password", { enabled: true });
      await h.runAt(exp + 2 * D);
      await h.runAt(exp + 60 * D);

      expect((await h.deliveries("month")).map((d) => d.eventType).sort()).toStrictEqual([
        "Microsoft.KeyVault.SecretExpired",
        "Microsoft.KeyVault.SecretNearExpiry",
      ]);
      expect((await h.deliveries("week")).length).toBe(1);
      const expired = ofType(h, "Microsoft.KeyVault.SecretExpired");
      expect(expired).toHaveLength(1);
      expect(expired[0]).toMatchObject({ subject: "tls-password", eventTime: new Date(exp * 1000).toISOString(), data: { Version: version, EXP: exp } });
      const monthDeliveries = h.receiver.received.filter((r) => r.headers.get("aeg-subscription-name") === "MONTH");
      expect(monthDeliveries.every((d) => nodeVerifies(secret30, d))).toBe(true);
      expect(h.events.nextDue()).toBeNull();
    });
  });

  it("fire both at once when the clock jumps past both, still once each", async () => {
    await withEvents(async (h) => {
      await h.subscribe("all");
      const exp = T0 + 40 * D;
      h.putVersion("certificate", "web", { exp });
      await h.runAt(T0);
      await h.runAt(exp + 5 * D);
      await h.runAt(exp + 6 * D);
      expect(h.receiver.types().sort()).toStrictEqual([
        "Microsoft.KeyVault.CertificateExpired",
        "Microsoft.KeyVault.CertificateNearExpiry",
        "Microsoft.KeyVault.CertificateNewVersionCreated",
      ]);
    });
  });

  it("fire at once for a version created inside the window, and not NearExpiry for one already expired", async () => {
    await withEvents(async (h) => {
      await h.subscribe("all", { eventTypes: ["Microsoft.KeyVault.SecretNearExpiry", "Microsoft.KeyVault.SecretExpired"] });
      h.clock.set((T0 + D) * 1000);
      h.putVersion("secret", "short-lived", { exp: T0 + 6 * D });
      h.putVersion("secret", "stale", { exp: T0 });
      await h.runAt(T0 + D);
      expect(h.receiver.eventGridEvents().map((e) => [e.eventType, e.subject]).sort()).toStrictEqual([
        ["Microsoft.KeyVault.SecretExpired", "stale"],
        ["Microsoft.KeyVault.SecretNearExpiry", "short-lived"],
      ]);
    });
  });

  it("follow only the current, enabled version of a live name; soft delete drops them and recover restores them", async () => {
    await withEvents(async (h) => {
      await h.subscribe("all", { eventTypes: ["Microsoft.KeyVault.SecretNearExpiry", "Microsoft.KeyVault.SecretExpired"] });
      const first = h.putVersion("secret", "rotated", { exp: T0 + 35 * D });
      // A new version replaces the first one's schedule: its NearExpiry (due T0 + 5 d) never comes.
      h.putVersion("secret", "rotated", { exp: T0 + 100 * D });
      h.putVersion("secret", "disabled", { exp: T0 + 35 * D, enabled: false });
      h.putVersion("secret", "deleted", { exp: T0 + 35 * D });
      h.state.storage.transactionSync(() => {
        h.objects.markDeleted("secret", "deleted", T0, T0 + 90 * D, null);
        h.events.expiryInputsChanged("secret", "deleted");
      });
      await h.runAt(T0 + 36 * D);
      expect(h.receiver.received).toHaveLength(0);
      expect(h.events.nextDue()).toBe(T0 + 70 * D);

      h.state.storage.transactionSync(() => {
        h.objects.markRecovered("secret", "deleted", null);
        h.events.expiryInputsChanged("secret", "deleted");
      });
      h.updateLatest("secret", "disabled", { enabled: true });
      await h.runAt(T0 + 36 * D);
      expect(h.receiver.eventGridEvents().map((e) => [e.eventType, e.subject]).sort()).toStrictEqual([
        ["Microsoft.KeyVault.SecretExpired", "deleted"],
        ["Microsoft.KeyVault.SecretExpired", "disabled"],
      ]);
      expect(h.receiver.eventGridEvents().some((e) => e.data.Version === first)).toBe(false);
    });
  });

  it("are not replayed to a subscription created after they happened", async () => {
    await withEvents(async (h) => {
      await h.subscribe("early", { eventTypes: ["Microsoft.KeyVault.SecretNearExpiry"] });
      h.putVersion("secret", "s", { exp: T0 + 20 * D });
      await h.runAt(T0 + D);
      h.clock.set((T0 + 2 * D) * 1000);
      await h.subscribe("late", { eventTypes: ["Microsoft.KeyVault.SecretNearExpiry", "Microsoft.KeyVault.SecretExpired"] });
      await h.runAt(T0 + 3 * D);
      expect(await h.deliveries("late")).toStrictEqual([]);
      await h.runAt(T0 + 20 * D);
      expect((await h.deliveries("late")).map((d) => d.eventType)).toStrictEqual(["Microsoft.KeyVault.SecretExpired"]);
      expect((await h.deliveries("early")).length).toBe(1);
    });
  });

  it("use a key rotation policy's Notify lead for KeyNearExpiry, and a subscriber still gets it once", async () => {
    await withEvents(async (h) => {
      await h.subscribe("keys", { eventTypes: ["Microsoft.KeyVault.KeyNearExpiry"] });
      const policy = validateRotationPolicy([{ trigger: { timeBeforeExpiry: "P45D" }, action: { type: "Notify" } }], undefined);
      h.rotations.put("payments", { ...policy, created: T0, updated: T0 }, null);
      const exp = T0 + 100 * D;
      h.putVersion("key", "payments", { exp });
      expect(h.events.nextDue()).toBe(exp - 45 * D);
      await h.runAt(exp - 45 * D);
      expect(ofType(h, "Microsoft.KeyVault.KeyNearExpiry")).toHaveLength(1);
      await h.runAt(exp - 30 * D);
      await h.runAt(exp + D);
      expect(ofType(h, "Microsoft.KeyVault.KeyNearExpiry")).toHaveLength(1);
      expect(h.events.nextDue()).toBeNull();
    });
  });

  it("store nothing while no subscription listens", async () => {
    await withEvents(async (h) => {
      h.putVersion("secret", "quiet", { exp: T0 + 10 * D });
      expect(h.events.nextDue()).toBeNull();
      // Subscribing computes the triggers of names that already exist.
      await h.subscribe("now", { eventTypes: ["Microsoft.KeyVault.SecretExpired"] });
      expect(h.events.nextDue()).toBe(T0 + 10 * D);
      value(await h.events.manage({ kind: "subscription.delete", id: "now" }));
      expect(h.events.nextDue()).toBeNull();
    });
  });
});

describe("delivery failures", () => {
  it("are retried with exponential backoff, then dead-lettered and listed; redelivery starts over", async () => {
    await withEvents(async (h) => {
      h.receiver.reply = () => 503;
      const secret = await h.subscribe("flaky", { maxDeliveryAttempts: 4 });
      h.putVersion("secret", "s1");
      await h.runAt(T0);
      expect(await h.deliveries("flaky", "pending")).toMatchObject([{ attempts: 1, nextAttemptAt: T0 + 10, lastError: "HTTP 503" }]);
      expect(h.events.nextDue()).toBe(T0 + 10);
      await h.runAt(T0 + 9);
      expect(h.receiver.received).toHaveLength(1);
      await h.runAt(T0 + 10);
      expect(h.events.nextDue()).toBe(T0 + 30);
      await h.runAt(T0 + 30);
      expect(h.events.nextDue()).toBe(T0 + 70);
      await h.runAt(T0 + 70);
      expect(h.events.nextDue()).toBeNull();
      expect(h.receiver.received.map((r) => r.headers.get("aeg-delivery-count"))).toStrictEqual(["0", "1", "2", "3"]);
      expect(h.receiver.received.map((r) => r.headers.get("X-Vault-Timestamp"))).toStrictEqual([T0, T0 + 10, T0 + 30, T0 + 70].map(String));
      expect(h.receiver.received.every((r) => nodeVerifies(secret, r))).toBe(true);
      // Every attempt carries the same event.
      expect(new Set(h.receiver.eventGridEvents().map((e) => e.id)).size).toBe(1);
      const [dead] = await h.deliveries("flaky", "deadLettered");
      expect(dead).toMatchObject({ status: "deadLettered", attempts: 4, nextAttemptAt: null, lastError: "HTTP 503" });
      expect(await h.deliveries("flaky", "pending")).toStrictEqual([]);

      h.receiver.reply = () => 204;
      h.clock.set((T0 + 100) * 1000);
      expect(value(await h.events.manage({ kind: "delivery.redeliver", subscriptionId: "flaky", deliveryId: dead!.id }))).toMatchObject({
        status: "pending",
        attempts: 0,
        nextAttemptAt: T0 + 100,
      });
      await h.runAt(T0 + 100);
      expect(await h.deliveries("flaky", "delivered")).toMatchObject([{ id: dead!.id, attempts: 1, lastError: null }]);
      const again = await h.events.manage({ kind: "delivery.redeliver", subscriptionId: "flaky", deliveryId: dead!.id });
      expect(again.ok ? "" : again.error.code).toBe("Conflict");
    });
  });

  it("dead-letters a 400 at once and counts a receiver that never answers as a timeout", async () => {
    await withEvents(async (h) => {
      h.receiver.reply = (_n, request) => (request.url.endsWith("/bad") ? 400 : "hang");
      await h.subscribe("bad", { url: `${HOOK}/bad` });
      await h.subscribe("slow", { url: `${HOOK}/slow`, maxDeliveryAttempts: 2 });
      h.putVersion("secret", "s1");
      await h.runAt(T0);
      expect(await h.deliveries("bad")).toMatchObject([{ status: "deadLettered", attempts: 1, lastError: "HTTP 400" }]);
      expect(await h.deliveries("slow")).toMatchObject([{ status: "pending", attempts: 1, lastError: "timeout after 300 ms" }]);
      await h.runAt(T0 + 10);
      expect(await h.deliveries("slow")).toMatchObject([{ status: "deadLettered", attempts: 2 }]);
    });
  });

  it("of one subscription do not hold back another's", async () => {
    await withEvents(async (h) => {
      h.receiver.reply = (_n, request) => (request.url.endsWith("/down") ? 500 : 200);
      await h.subscribe("down", { url: `${HOOK}/down` });
      await h.subscribe("up", { url: `${HOOK}/up` });
      h.putVersion("secret", "a");
      h.putVersion("secret", "b");
      await h.runAt(T0);
      expect((await h.deliveries("up", "delivered")).length).toBe(2);
      expect((await h.deliveries("down", "pending")).length).toBe(2);
    });
  });
});

describe("subscriptions", () => {
  it("keep the signing secret sealed, show it once, and keep it when settings are replaced", async () => {
    await withEvents(async (h) => {
      const secret = await h.subscribe("hook");
      const raw = h.state.storage.sql.exec<{ sealed_secret: ArrayBuffer }>("SELECT sealed_secret FROM event_subscriptions").one();
      const stored = new TextDecoder("latin1").decode(raw.sealed_secret);
      expect(stored).not.toContain(secret.slice(6, 30));

      const replaced = value(
        await h.events.manage({
          kind: "subscription.put",
          id: "hook",
          settings: {
            url: `${HOOK}/v2`,
            eventTypes: ["Microsoft.KeyVault.VaultAccessPolicyChanged"],
            subjectBeginsWith: null,
            nearExpirySeconds: D,
            schema: "EventGridSchema",
            maxDeliveryAttempts: 2,
          },
        }),
      );
      expect(replaced).toMatchObject({ created: false, signingSecret: null, subscription: { id: "hook", url: `${HOOK}/v2`, created: T0 } });
      expect(value(await h.events.manage({ kind: "subscription.list" })).map((s) => s.id)).toStrictEqual(["hook"]);

      h.state.storage.transactionSync(() => h.events.accessPolicyChanged());
      await h.runAt(T0);
      const delivery = h.receiver.received[0]!;
      expect(delivery.url).toBe(`${HOOK}/v2`);
      expect(nodeVerifies(secret, delivery)).toBe(true);
      expect(h.receiver.eventGridEvents()[0]).toMatchObject({
        eventType: "Microsoft.KeyVault.VaultAccessPolicyChanged",
        subject: h.config.name,
        data: { Id: BASE_URL, ObjectType: "Vault", ObjectName: h.config.name, Version: null },
      });
    });
  });

  it("take their pending deliveries with them when deleted; unknown ones are NotFound", async () => {
    await withEvents(async (h) => {
      h.receiver.reply = () => 500;
      await h.subscribe("gone");
      h.putVersion("secret", "x");
      await h.runAt(T0);
      expect(h.events.nextDue()).toBe(T0 + 10);
      value(await h.events.manage({ kind: "subscription.delete", id: "gone" }));
      expect(h.events.nextDue()).toBeNull();
      for (const op of [
        { kind: "subscription.get", id: "gone" },
        { kind: "subscription.delete", id: "gone" },
        { kind: "delivery.list", subscriptionId: "gone", top: 10 },
      ] as const) {
        const result = await h.events.manage(op);
        expect(result.ok ? "" : result.error.code).toBe("NotFound");
      }
    });
  });

  it("keep finished deliveries 30 days, and an expiry delivery as long as its version exists", async () => {
    await withEvents(async (h) => {
      await h.subscribe("hist");
      h.putVersion("secret", "kept", { exp: T0 + D });
      await h.runAt(T0 + D);
      expect((await h.deliveries("hist")).map((d) => d.eventType).sort()).toStrictEqual([
        "Microsoft.KeyVault.SecretExpired",
        "Microsoft.KeyVault.SecretNearExpiry",
        "Microsoft.KeyVault.SecretNewVersionCreated",
      ]);
      await h.runAt(T0 + 40 * D);
      expect((await h.deliveries("hist")).map((d) => d.eventType).sort()).toStrictEqual([
        "Microsoft.KeyVault.SecretExpired",
        "Microsoft.KeyVault.SecretNearExpiry",
      ]);
      h.state.storage.transactionSync(() => h.objects.purge("secret", "kept"));
      await h.runAt(T0 + 41 * D);
      expect(await h.deliveries("hist")).toStrictEqual([]);
    });
  });
});
