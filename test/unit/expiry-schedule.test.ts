import { describe, expect, it } from "vitest";
import { DAY_SECONDS, type EventSubscription } from "../../core/domain/events/event-subscription.ts";
import { expiryTriggers, expiryWants, notifyLeadSeconds, receivesExpiryEvent, type FiredTrigger } from "../../core/domain/objects/expiry-schedule.ts";
import { DEFAULT_NOTIFY } from "../../core/domain/objects/rotation-policy.ts";
import { VAULT_EVENT_TYPES } from "../../core/domain/events/vault-event.ts";

const NOW = 1_800_000_000;
const D = DAY_SECONDS;

const subscription = (over: Partial<EventSubscription> = {}): EventSubscription => ({
  id: "sub",
  url: "https://example.com/hook",
  eventTypes: [...VAULT_EVENT_TYPES],
  subjectBeginsWith: null,
  nearExpirySeconds: 30 * D,
  schema: "EventGridSchema",
  maxDeliveryAttempts: 8,
  created: NOW - D,
  ...over,
});

const fired = (over: Partial<FiredTrigger> = {}): FiredTrigger => ({
  event: "NearExpiry",
  leadSeconds: 30 * D,
  dueAt: NOW,
  type: "Microsoft.KeyVault.SecretNearExpiry",
  subject: "db-password",
  occurredAt: NOW,
  policyLeadSeconds: null,
  ...over,
});

describe("expiry triggers", () => {
  it("puts Expired at exp and each distinct NearExpiry lead before it", () => {
    const exp = NOW + 100 * D;
    expect(expiryTriggers(exp, { expired: true, nearExpiryLeads: [30 * D, 7 * D, 30 * D] }, NOW)).toStrictEqual([
      { event: "Expired", leadSeconds: 0, dueAt: exp },
      { event: "NearExpiry", leadSeconds: 30 * D, dueAt: exp - 30 * D },
      { event: "NearExpiry", leadSeconds: 7 * D, dueAt: exp - 7 * D },
    ]);
  });

  it("makes a lead already passed due at once, and gives an expired version no NearExpiry", () => {
    const soon = NOW + 5 * D;
    expect(expiryTriggers(soon, { expired: false, nearExpiryLeads: [30 * D] }, NOW)).toStrictEqual([
      { event: "NearExpiry", leadSeconds: 30 * D, dueAt: soon - 30 * D },
    ]);
    expect(expiryTriggers(NOW, { expired: true, nearExpiryLeads: [30 * D] }, NOW)).toStrictEqual([{ event: "Expired", leadSeconds: 0, dueAt: NOW }]);
    expect(expiryTriggers(NOW + D, { expired: false, nearExpiryLeads: [] }, NOW)).toStrictEqual([]);
  });

  it("asks for nothing when no subscription listens to the kind or the subject", () => {
    const types = { nearExpiry: "Microsoft.KeyVault.KeyNearExpiry", expired: "Microsoft.KeyVault.KeyExpired" } as const;
    const lead = () => 45 * D;
    expect(expiryWants([], types, "k", lead)).toStrictEqual({ expired: false, nearExpiryLeads: [] });
    const secretsOnly = subscription({ eventTypes: ["Microsoft.KeyVault.SecretNearExpiry", "Microsoft.KeyVault.SecretExpired"] });
    expect(expiryWants([secretsOnly], types, "k", lead)).toStrictEqual({ expired: false, nearExpiryLeads: [] });
    const prefixed = subscription({ subjectBeginsWith: "prod-" });
    expect(expiryWants([prefixed], types, "test-key", lead)).toStrictEqual({ expired: false, nearExpiryLeads: [] });
    expect(expiryWants([prefixed], types, "PROD-key", lead)).toStrictEqual({ expired: true, nearExpiryLeads: [30 * D, 45 * D] });
  });
});

describe("a key rotation policy's Notify lead", () => {
  it("is timeBeforeExpiry before this expiry, in calendar units", () => {
    const exp = Date.UTC(2027, 2, 31) / 1000; // 31 March: one month earlier is 3 March (28 days in February 2027)
    const policy = { lifetimeActions: [{ trigger: { timeBeforeExpiry: "P1M" }, action: { type: "Notify" as const } }] };
    expect(notifyLeadSeconds(policy, exp)).toBe(28 * D);
    expect(notifyLeadSeconds({ lifetimeActions: [DEFAULT_NOTIFY] }, exp)).toBe(30 * D);
  });

  it("is absent without a policy or a Notify action", () => {
    expect(notifyLeadSeconds(null, NOW)).toBeNull();
    expect(notifyLeadSeconds({ lifetimeActions: [{ trigger: { timeAfterCreate: "P90D" }, action: { type: "Rotate" } }] }, NOW)).toBeNull();
  });
});

describe("who receives a fired trigger", () => {
  it("is a subscription whose window is at least the trigger's lead", () => {
    expect(receivesExpiryEvent(subscription({ nearExpirySeconds: 30 * D }), fired({ leadSeconds: 30 * D }))).toBe(true);
    expect(receivesExpiryEvent(subscription({ nearExpirySeconds: 60 * D }), fired({ leadSeconds: 30 * D }))).toBe(true);
    expect(receivesExpiryEvent(subscription({ nearExpirySeconds: 7 * D }), fired({ leadSeconds: 30 * D }))).toBe(false);
  });

  it("includes every KeyNearExpiry subscriber when the lead is the key policy's Notify", () => {
    const key = fired({ type: "Microsoft.KeyVault.KeyNearExpiry", leadSeconds: 45 * D, policyLeadSeconds: 45 * D });
    expect(receivesExpiryEvent(subscription({ nearExpirySeconds: 7 * D }), key)).toBe(true);
  });

  it("always includes Expired subscribers, but nobody for what happened before the subscription existed", () => {
    const expired = fired({ event: "Expired", leadSeconds: 0, type: "Microsoft.KeyVault.SecretExpired" });
    expect(receivesExpiryEvent(subscription({ nearExpirySeconds: D }), expired)).toBe(true);
    expect(receivesExpiryEvent(subscription({ created: NOW + 1 }), expired)).toBe(false);
    expect(receivesExpiryEvent(subscription({ created: NOW }), expired)).toBe(true);
  });

  it("respects the type filter and the subject prefix", () => {
    expect(receivesExpiryEvent(subscription({ eventTypes: ["Microsoft.KeyVault.SecretExpired"] }), fired())).toBe(false);
    expect(receivesExpiryEvent(subscription({ subjectBeginsWith: "DB-" }), fired())).toBe(true);
    expect(receivesExpiryEvent(subscription({ subjectBeginsWith: "api-" }), fired())).toBe(false);
  });
});
