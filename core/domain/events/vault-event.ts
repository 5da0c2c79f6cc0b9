import type { ObjectKind } from "../objects/versioned-object.ts";

/**
 * Key Vault's Event Grid events ("Azure Key Vault as Event Grid source"): what a vault publishes, and
 * the two envelopes a subscriber may choose, the Event Grid schema and CloudEvents 1.0.
 */
export const VAULT_EVENT_TYPES = [
  "Microsoft.KeyVault.CertificateNewVersionCreated",
  "Microsoft.KeyVault.CertificateNearExpiry",
  "Microsoft.KeyVault.CertificateExpired",
  "Microsoft.KeyVault.KeyNewVersionCreated",
  "Microsoft.KeyVault.KeyNearExpiry",
  "Microsoft.KeyVault.KeyExpired",
  "Microsoft.KeyVault.SecretNewVersionCreated",
  "Microsoft.KeyVault.SecretNearExpiry",
  "Microsoft.KeyVault.SecretExpired",
  "Microsoft.KeyVault.VaultAccessPolicyChanged",
] as const;

export type VaultEventType = (typeof VAULT_EVENT_TYPES)[number];

/** What happened to a version: the part of the event type after the object type. */
export type ObjectEventName = "NewVersionCreated" | "NearExpiry" | "Expired";

/** `data.ObjectType` as Azure spells it. */
export type EventObjectType = "Secret" | "Key" | "Certificate" | "Vault";

const OBJECT_TYPE: { readonly [K in ObjectKind]: Exclude<EventObjectType, "Vault"> } = {
  secret: "Secret",
  key: "Key",
  certificate: "Certificate",
};

/** The data-plane collection of each kind, for `data.Id` (https://{vault}/secrets/{name}/{version}). */
const COLLECTION: { readonly [K in ObjectKind]: string } = { secret: "secrets", key: "keys", certificate: "certificates" };

const CANONICAL = new Map<string, VaultEventType>(VAULT_EVENT_TYPES.map((t) => [t.toLowerCase(), t]));

/** A known type in its canonical spelling, matched case-insensitively (Event Grid filters ignore case); else null. */
export function canonicalEventType(text: string): VaultEventType | null {
  return CANONICAL.get(text.toLowerCase()) ?? null;
}

export function objectEventType(kind: ObjectKind, name: ObjectEventName): VaultEventType {
  return `Microsoft.KeyVault.${OBJECT_TYPE[kind]}${name}`;
}

/**
 * One event as the vault records it in its outbox: the facts, not an envelope. The envelope is made at
 * delivery, in the schema the subscription asks for; `id` stays the same across retries and across
 * subscriptions (Event Grid's `id` identifies the event, not the delivery).
 */
export interface VaultEvent {
  readonly id: string;
  readonly type: VaultEventType;
  /** Absent for VaultAccessPolicyChanged. */
  readonly kind?: ObjectKind;
  /** The object's name as stored (original case), or the vault's name. */
  readonly objectName: string;
  readonly version: string | null;
  /** Unix seconds, or null. */
  readonly nbf: number | null;
  readonly exp: number | null;
  /** When it happened, milliseconds since the epoch. */
  readonly time: number;
}

export function objectEvent(
  kind: ObjectKind,
  name: ObjectEventName,
  object: { readonly name: string; readonly version: string; readonly nbf: number | null; readonly exp: number | null },
  timeMs: number,
): VaultEvent {
  return {
    id: crypto.randomUUID(),
    type: objectEventType(kind, name),
    kind,
    objectName: object.name,
    version: object.version,
    nbf: object.nbf,
    exp: object.exp,
    time: timeMs,
  };
}

export function accessPolicyChangedEvent(vaultName: string, timeMs: number): VaultEvent {
  return {
    id: crypto.randomUUID(),
    type: "Microsoft.KeyVault.VaultAccessPolicyChanged",
    objectName: vaultName,
    version: null,
    nbf: null,
    exp: null,
    time: timeMs,
  };
}

/** Where an event comes from. */
export interface EventSource {
  readonly tenantId: string;
  readonly vaultName: string;
  /** `https://{vault}.vault.{domain}[:port]`, no trailing slash. */
  readonly vaultBaseUrl: string;
}

/**
 * Azure's topic is the vault's ARM id (/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.KeyVault/vaults/{name});
 * there are no subscriptions or resource groups here, so the tenant takes their place.
 */
export function eventTopic(source: Pick<EventSource, "tenantId" | "vaultName">): string {
  return `/tenants/${source.tenantId}/providers/Microsoft.KeyVault/vaults/${source.vaultName}`;
}

/** `data` of every Key Vault event (KeyVaultSecretNewVersionCreatedEventData and siblings); NBF/EXP are numbers there. */
export interface KeyVaultEventData {
  readonly Id: string;
  readonly VaultName: string;
  readonly ObjectType: EventObjectType;
  readonly ObjectName: string;
  readonly Version: string | null;
  readonly NBF: number | null;
  readonly EXP: number | null;
}

export function eventData(event: VaultEvent, source: EventSource): KeyVaultEventData {
  const kind = event.kind;
  const id =
    kind === undefined
      ? source.vaultBaseUrl
      : `${source.vaultBaseUrl}/${COLLECTION[kind]}/${event.objectName}${event.version === null ? "" : `/${event.version}`}`;
  return {
    Id: id,
    VaultName: source.vaultName,
    ObjectType: kind === undefined ? "Vault" : OBJECT_TYPE[kind],
    ObjectName: event.objectName,
    Version: event.version,
    NBF: event.nbf,
    EXP: event.exp,
  };
}

export interface EventGridEvent {
  readonly id: string;
  readonly topic: string;
  readonly subject: string;
  readonly eventType: VaultEventType;
  readonly eventTime: string;
  readonly data: KeyVaultEventData;
  readonly dataVersion: "1";
  readonly metadataVersion: "1";
}

/** The Event Grid schema (event-schema.md): subject is the object's name. */
export function toEventGridEvent(event: VaultEvent, source: EventSource): EventGridEvent {
  return {
    id: event.id,
    topic: eventTopic(source),
    subject: event.objectName,
    eventType: event.type,
    eventTime: new Date(event.time).toISOString(),
    data: eventData(event, source),
    dataVersion: "1",
    metadataVersion: "1",
  };
}

export interface CloudEvent {
  readonly specversion: "1.0";
  readonly id: string;
  readonly source: string;
  readonly type: VaultEventType;
  readonly subject: string;
  readonly time: string;
  readonly datacontenttype: "application/json";
  readonly data: KeyVaultEventData;
}

/** CloudEvents 1.0 as Event Grid maps its schema onto it (cloud-event-schema.md): topic → source, eventType → type. */
export function toCloudEvent(event: VaultEvent, source: EventSource): CloudEvent {
  return {
    specversion: "1.0",
    id: event.id,
    source: eventTopic(source),
    type: event.type,
    subject: event.objectName,
    time: new Date(event.time).toISOString(),
    datacontenttype: "application/json",
    data: eventData(event, source),
  };
}

export type EventSchema = "EventGridSchema" | "CloudEventSchemaV1_0";

/**
 * The HTTP body of one delivery. Event Grid posts an array even for one event (delivery-and-retry.md,
 * "payload is an array with a single event"); with CloudEvents it posts one event in structured mode.
 */
export function deliveryPayload(schema: EventSchema, event: VaultEvent, source: EventSource): { body: string; contentType: string } {
  return schema === "CloudEventSchemaV1_0"
    ? { body: JSON.stringify(toCloudEvent(event, source)), contentType: "application/cloudevents+json; charset=utf-8" }
    : { body: JSON.stringify([toEventGridEvent(event, source)]), contentType: "application/json; charset=utf-8" };
}

/** Reads back an outbox row's event; the row was written by this code, so only the shape is trusted. */
export function parseStoredEvent(json: string): VaultEvent {
  return JSON.parse(json) as VaultEvent;
}
