import { describe, expect, it } from "vitest";
import { VAULT_EVENT_TYPES } from "../../durable-objects/domain/vault-event.ts";
import {
  assertSubscriptionId,
  parseDeliveryStatus,
  parseEventSubscriptionInput,
  parseTop,
} from "../../worker/wire/event-subscription-input.ts";
import { badParameter } from "../support/bad-parameter.ts";

const URL_OK = "https://receiver.example.com/hooks/vault?code=abc";

describe("event subscription input", () => {
  it("fills Event Grid's defaults: every type, 30-day window, Event Grid schema, 8 attempts", () => {
    expect(parseEventSubscriptionInput({ url: URL_OK })).toStrictEqual({
      url: URL_OK,
      eventTypes: [...VAULT_EVENT_TYPES],
      subjectBeginsWith: null,
      nearExpirySeconds: 30 * 86_400,
      schema: "EventGridSchema",
      maxDeliveryAttempts: 8,
    });
  });

  it("takes every field, canonicalising event types and schema names case-insensitively", () => {
    const parsed = parseEventSubscriptionInput({
      url: URL_OK,
      eventTypes: ["microsoft.keyvault.secretnearexpiry", "Microsoft.KeyVault.SecretNearExpiry", "MICROSOFT.KEYVAULT.KEYEXPIRED"],
      subjectBeginsWith: "prod-",
      nearExpiryDays: 7,
      schema: "cloudeventschemav1_0",
      maxDeliveryAttempts: 3,
    });
    expect(parsed).toStrictEqual({
      url: URL_OK,
      eventTypes: ["Microsoft.KeyVault.SecretNearExpiry", "Microsoft.KeyVault.KeyExpired"],
      subjectBeginsWith: "prod-",
      nearExpirySeconds: 7 * 86_400,
      schema: "CloudEventSchemaV1_0",
      maxDeliveryAttempts: 3,
    });
  });

  it.each(["http://localhost:8787/hook", "http://127.0.0.1/hook", "http://[::1]:9000/x", "HTTP://LOCALHOST/x"])(
    "accepts plain http to loopback: %s",
    (url) => {
      expect(parseEventSubscriptionInput({ url }).url.startsWith("http://")).toBe(true);
    },
  );

  it.each([
    [undefined, "required"],
    [42, "required"],
    ["", "required"],
    ["not a url", "valid absolute URL"],
    ["/relative/path", "valid absolute URL"],
    ["http://receiver.example.com/hook", "https"],
    ["http://127.0.0.2/hook", "https"],
    ["http://localhost.example.com/hook", "https"],
    ["ftp://example.com/hook", "https"],
    ["https://user:pass@example.com/hook", "credentials"],
    ["https://user@example.com/hook", "credentials"],
    ["https://example.com/hook#frag", "fragment"],
    [`https://example.com/${"a".repeat(2100)}`, "exceeds"],
  ])("refuses url %j (%s)", (url, message) => {
    expect(badParameter(() => parseEventSubscriptionInput({ url })).message).toContain(message);
  });

  it.each([
    [[], "non-empty"],
    ["Microsoft.KeyVault.SecretNearExpiry", "non-empty array"],
    [["Microsoft.KeyVault.SecretDeleted"], "Unknown event type 'Microsoft.KeyVault.SecretDeleted'"],
    [["SecretNearExpiry"], "Unknown event type"],
    [[42], "Unknown event type '42'"],
  ])("refuses eventTypes %j", (eventTypes, message) => {
    expect(badParameter(() => parseEventSubscriptionInput({ url: URL_OK, eventTypes })).message).toContain(message);
  });

  it.each([
    [{ nearExpiryDays: 0 }, "nearExpiryDays"],
    [{ nearExpiryDays: 366 }, "nearExpiryDays"],
    [{ nearExpiryDays: 1.5 }, "nearExpiryDays"],
    [{ nearExpiryDays: "30" }, "nearExpiryDays"],
    [{ maxDeliveryAttempts: 0 }, "maxDeliveryAttempts"],
    [{ maxDeliveryAttempts: 31 }, "maxDeliveryAttempts"],
    [{ schema: "CustomInputSchema" }, "schema"],
    [{ schema: 1 }, "schema"],
    [{ subjectBeginsWith: 5 }, "subjectBeginsWith"],
    [{ subjectBeginsWith: "x".repeat(128) }, "subjectBeginsWith"],
  ])("refuses %j", (extra, field) => {
    expect(badParameter(() => parseEventSubscriptionInput({ url: URL_OK, ...extra })).message).toContain(field);
  });

  it("accepts the bounds", () => {
    expect(parseEventSubscriptionInput({ url: URL_OK, nearExpiryDays: 1, maxDeliveryAttempts: 1 }).nearExpirySeconds).toBe(86_400);
    expect(parseEventSubscriptionInput({ url: URL_OK, nearExpiryDays: 365, maxDeliveryAttempts: 30 }).maxDeliveryAttempts).toBe(30);
  });
});

describe("subscription names and delivery queries", () => {
  it("lower-cases valid names and refuses others", () => {
    expect(assertSubscriptionId("My-Hook-1")).toBe("my-hook-1");
    for (const bad of [undefined, "ab", "a".repeat(65), "has space", "under_score", "dot.ted"]) badParameter(() => assertSubscriptionId(bad));
  });

  it("reads status case-insensitively and $top within 1 to 1000", () => {
    expect(parseDeliveryStatus("deadlettered")).toBe("deadLettered");
    expect(parseDeliveryStatus(undefined)).toBeUndefined();
    badParameter(() => parseDeliveryStatus("failed"));
    expect(parseTop(undefined)).toBe(100);
    expect(parseTop("1000")).toBe(1000);
    for (const bad of ["0", "1001", "-1", "ten", "1e3"]) badParameter(() => parseTop(bad));
  });
});
