import { describe, expect, it } from "vitest";
import {
  VAULT_EVENT_TYPES,
  accessPolicyChangedEvent,
  canonicalEventType,
  deliveryPayload,
  objectEvent,
  objectEventType,
  toCloudEvent,
  toEventGridEvent,
  type EventSource,
} from "../../core/domain/events/vault-event.ts";

const TENANT = "3f2a1b4c-0000-4000-8000-000000000001";
const SOURCE: EventSource = { tenantId: TENANT, vaultName: "sample-kv", vaultBaseUrl: "https://sample-kv.vault.localhost:8443" };
const TOPIC = `/tenants/${TENANT}/providers/Microsoft.KeyVault/vaults/sample-kv`;
const VERSION = "ee059b2bb5bc48398a53b168c6cdcb10";
const TIME = Date.UTC(2019, 6, 25, 1, 8, 33, 103);

describe("event types", () => {
  it("are Azure's ten Key Vault event types", () => {
    expect(VAULT_EVENT_TYPES).toHaveLength(10);
    for (const kind of ["secret", "key", "certificate"] as const) {
      for (const name of ["NewVersionCreated", "NearExpiry", "Expired"] as const) {
        expect(VAULT_EVENT_TYPES).toContain(objectEventType(kind, name));
      }
    }
    expect(objectEventType("certificate", "NearExpiry")).toBe("Microsoft.KeyVault.CertificateNearExpiry");
    expect(VAULT_EVENT_TYPES).toContain("Microsoft.KeyVault.VaultAccessPolicyChanged");
  });

  it("are matched case-insensitively and returned in canonical spelling", () => {
    expect(canonicalEventType("microsoft.keyvault.secretnearexpiry")).toBe("Microsoft.KeyVault.SecretNearExpiry");
    expect(canonicalEventType("MICROSOFT.KEYVAULT.VAULTACCESSPOLICYCHANGED")).toBe("Microsoft.KeyVault.VaultAccessPolicyChanged");
    expect(canonicalEventType("Microsoft.KeyVault.SecretDeleted")).toBeNull();
    expect(canonicalEventType("SecretNearExpiry")).toBeNull();
  });
});

describe("Event Grid schema", () => {
  const event = objectEvent("secret", "NewVersionCreated", { name: "newsecret", version: VERSION, nbf: 1559081980, exp: 1559082102 }, TIME);

  it("has the documented shape (Azure Key Vault as Event Grid source, sample event)", () => {
    expect(toEventGridEvent(event, SOURCE)).toStrictEqual({
      id: event.id,
      topic: TOPIC,
      subject: "newsecret",
      eventType: "Microsoft.KeyVault.SecretNewVersionCreated",
      eventTime: "2019-07-25T01:08:33.103Z",
      data: {
        Id: `https://sample-kv.vault.localhost:8443/secrets/newsecret/${VERSION}`,
        VaultName: "sample-kv",
        ObjectType: "Secret",
        ObjectName: "newsecret",
        Version: VERSION,
        NBF: 1559081980,
        EXP: 1559082102,
      },
      dataVersion: "1",
      metadataVersion: "1",
    });
    expect(event.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("is posted as an array of one event, as Event Grid delivers", () => {
    const payload = deliveryPayload("EventGridSchema", event, SOURCE);
    expect(payload.contentType).toBe("application/json; charset=utf-8");
    const parsed = JSON.parse(payload.body) as unknown[];
    expect(parsed).toStrictEqual([toEventGridEvent(event, SOURCE)]);
  });

  it("names keys and certificates by their collections, with null NBF/EXP when unset", () => {
    const key = toEventGridEvent(objectEvent("key", "NearExpiry", { name: "Rsa-Key", version: VERSION, nbf: null, exp: 1700000000 }, TIME), SOURCE);
    expect(key.data).toMatchObject({ Id: `${SOURCE.vaultBaseUrl}/keys/Rsa-Key/${VERSION}`, ObjectType: "Key", NBF: null, EXP: 1700000000 });
    expect(key.eventType).toBe("Microsoft.KeyVault.KeyNearExpiry");
    const cert = toEventGridEvent(objectEvent("certificate", "Expired", { name: "c", version: VERSION, nbf: null, exp: null }, TIME), SOURCE);
    expect(cert.data.Id).toBe(`${SOURCE.vaultBaseUrl}/certificates/c/${VERSION}`);
    expect(cert.data.ObjectType).toBe("Certificate");
  });

  it("describes VaultAccessPolicyChanged with the vault as the object", () => {
    const changed = toEventGridEvent(accessPolicyChangedEvent("sample-kv", TIME), SOURCE);
    expect(changed).toMatchObject({ subject: "sample-kv", eventType: "Microsoft.KeyVault.VaultAccessPolicyChanged", topic: TOPIC });
    expect(changed.data).toStrictEqual({
      Id: SOURCE.vaultBaseUrl,
      VaultName: "sample-kv",
      ObjectType: "Vault",
      ObjectName: "sample-kv",
      Version: null,
      NBF: null,
      EXP: null,
    });
  });
});

describe("CloudEvents 1.0", () => {
  const event = objectEvent("key", "Expired", { name: "k1", version: VERSION, nbf: null, exp: 1700000000 }, TIME);

  it("maps topic to source and eventType to type, with the same data (cloud-event-schema.md)", () => {
    expect(toCloudEvent(event, SOURCE)).toStrictEqual({
      specversion: "1.0",
      id: event.id,
      source: TOPIC,
      type: "Microsoft.KeyVault.KeyExpired",
      subject: "k1",
      time: "2019-07-25T01:08:33.103Z",
      datacontenttype: "application/json",
      data: toEventGridEvent(event, SOURCE).data,
    });
  });

  it("is posted as one event in structured mode", () => {
    const payload = deliveryPayload("CloudEventSchemaV1_0", event, SOURCE);
    expect(payload.contentType).toBe("application/cloudevents+json; charset=utf-8");
    expect(JSON.parse(payload.body)).toStrictEqual(toCloudEvent(event, SOURCE));
  });
});
