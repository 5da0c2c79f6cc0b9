import { describe, expect, it } from "vitest";
import { VAULT_EVENT_TYPES } from "../../core/domain/events/vault-event.ts";
import {
  assertSubscriptionId,
  parseDeliveryStatus,
  parseEventSubscriptionInput,
  parseTop,
} from "../../worker/wire/event-subscription-input.ts";
import { badParameter } from "../support/bad-parameter.ts";

const URL_OK = "https://receiver.example.com/hooks/vault?code=abc";
/** Outside local development, and in it (npm run dev, tests): domain/webhook-target.ts privateTargetsAllowed. */
const PROD = { allowPrivateTargets: false };
const DEV = { allowPrivateTargets: true };

describe("event subscription input", () => {
  it("fills Event Grid's defaults: every type, 30-day window, Event Grid schema, 8 attempts", () => {
    expect(parseEventSubscriptionInput({ url: URL_OK }, PROD)).toStrictEqual({
      url: URL_OK,
      eventTypes: [...VAULT_EVENT_TYPES],
      subjectBeginsWith: null,
      nearExpirySeconds: 30 * 86_400,
      schema: "EventGridSchema",
      maxDeliveryAttempts: 8,
    });
  });

  it("takes every field, canonicalising event types and schema names case-insensitively", () => {
    const parsed = parseEventSubscriptionInput(
      {
        url: URL_OK,
        eventTypes: ["microsoft.keyvault.secretnearexpiry", "Microsoft.KeyVault.SecretNearExpiry", "MICROSOFT.KEYVAULT.KEYEXPIRED"],
        subjectBeginsWith: "prod-",
        nearExpiryDays: 7,
        schema: "cloudeventschemav1_0",
        maxDeliveryAttempts: 3,
      },
      PROD,
    );
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
    "accepts plain http to loopback in local development, and nowhere else: %s",
    (url) => {
      expect(parseEventSubscriptionInput({ url }, DEV).url.startsWith("http://")).toBe(true);
      expect(badParameter(() => parseEventSubscriptionInput({ url }, PROD)).message).toContain("must not point into a private");
    },
  );

  it.each([
    ["https://10.0.0.5/hook", "10.0.0.5 is private-use (RFC 1918)"],
    ["https://169.254.169.254/latest/meta-data", "169.254.169.254 is link-local"],
    ["https://127.0.0.1:8450/", "127.0.0.1 is loopback"],
    ["https://0x7f.1/", "127.0.0.1 is loopback"],
    ["https://2130706433/", "127.0.0.1 is loopback"],
    ["https://[::ffff:10.0.0.5]/", "IPv4-mapped"],
    ["https://[fd00::1]/", "unique-local"],
    ["https://[2002:a00:5::1]/", "6to4"],
    ["https://localhost:8443/", "single-label"],
    ["https://vault.localhost:8443/", ".localhost"],
    ["https://hsm.internal/", ".internal"],
    ["https://printer.local/", ".local"],
    ["https://nas.home.arpa/", ".home.arpa"],
  ])("outside local development refuses target %s (%s), which local development accepts", (url, reason) => {
    const message = badParameter(() => parseEventSubscriptionInput({ url }, PROD)).message;
    expect(message).toContain("must not point into a private, link-local, loopback or unique-local network");
    expect(message).toContain(reason);
    expect(parseEventSubscriptionInput({ url }, DEV).url).toBe(new URL(url).href);
  });

  it("outside local development accepts public literals and names (names are resolved at delivery)", () => {
    for (const url of ["https://93.184.215.14/hook", "https://[2606:4700:4700::1111]/x", "https://127.0.0.1.nip.io/x", URL_OK]) {
      expect(parseEventSubscriptionInput({ url }, PROD).url).toBe(url);
    }
  });

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
    expect(badParameter(() => parseEventSubscriptionInput({ url }, PROD)).message).toContain(message);
  });

  it.each([
    [[], "non-empty"],
    ["Microsoft.KeyVault.SecretNearExpiry", "non-empty array"],
    [["Microsoft.KeyVault.SecretDeleted"], "Unknown event type 'Microsoft.KeyVault.SecretDeleted'"],
    [["SecretNearExpiry"], "Unknown event type"],
    [[42], "Unknown event type '42'"],
  ])("refuses eventTypes %j", (eventTypes, message) => {
    expect(badParameter(() => parseEventSubscriptionInput({ url: URL_OK, eventTypes }, PROD)).message).toContain(message);
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
    expect(badParameter(() => parseEventSubscriptionInput({ url: URL_OK, ...extra }, PROD)).message).toContain(field);
  });

  it("accepts the bounds", () => {
    expect(parseEventSubscriptionInput({ url: URL_OK, nearExpiryDays: 1, maxDeliveryAttempts: 1 }, PROD).nearExpirySeconds).toBe(86_400);
    expect(parseEventSubscriptionInput({ url: URL_OK, nearExpiryDays: 365, maxDeliveryAttempts: 30 }, PROD).maxDeliveryAttempts).toBe(30);
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
