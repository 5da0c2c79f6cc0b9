import {
  DAY_SECONDS,
  NEAR_EXPIRY_DEFAULT_DAYS,
  NEAR_EXPIRY_MAX_DAYS,
  NEAR_EXPIRY_MIN_DAYS,
  SUBSCRIPTION_ID,
  type EventSubscriptionSettings,
} from "../../core/domain/events/event-subscription.ts";
import { MAX_ATTEMPTS_DEFAULT, MAX_ATTEMPTS_MAX, MAX_ATTEMPTS_MIN } from "../../core/domain/events/delivery-backoff.ts";
import { VAULT_EVENT_TYPES, canonicalEventType, type EventSchema, type VaultEventType } from "../../core/domain/events/vault-event.ts";
import { classifyHost } from "../../core/domain/events/webhook-target.ts";
import { DELIVERY_PAGE_DEFAULT, DELIVERY_PAGE_MAX, DELIVERY_STATUSES, type DeliveryStatus } from "../../core/contract/events.ts";
import { badParameter } from "../../core/errors/vault-error.ts";
import type { JsonObject } from "./json-body.ts";

/**
 * The event subscription body of the control-plane API:
 *   { url, eventTypes?, subjectBeginsWith?, nearExpiryDays?, schema?, maxDeliveryAttempts? }
 * Every refusal is a 400 BadParameter naming the field.
 */

/** Browsers and most proxies handle URLs up to about 2 KB; a webhook needs no more. */
export const MAX_URL_LENGTH = 2048;
/** Subjects are object names (at most 127 characters) or the vault name. */
export const MAX_SUBJECT_PREFIX_LENGTH = 127;

/** Hosts a plain-http webhook may use: test and development receivers on this machine. */
const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(["localhost", "127.0.0.1", "[::1]"]);

const SCHEMAS: ReadonlyMap<string, EventSchema> = new Map([
  ["eventgridschema", "EventGridSchema"],
  ["cloudeventschemav1_0", "CloudEventSchemaV1_0"],
]);

/** The subscription name from the path, lower-cased (Event Grid names are case-insensitive). */
export function assertSubscriptionId(id: string | undefined): string {
  if (id === undefined || !SUBSCRIPTION_ID.test(id)) {
    throw badParameter("The event subscription name must be 3-64 characters of letters, digits and hyphens.");
  }
  return id.toLowerCase();
}

/** What the deployment allows (domain/webhook-target.ts privateTargetsAllowed). */
export interface WebhookUrlPolicy {
  readonly allowPrivateTargets: boolean;
}

/**
 * https anywhere; http only to loopback. No user:password@ (credentials belong in a header or the query,
 * which the API never echoes) and no fragment (never sent, so a sign of a mistake). Outside local
 * development, no target inside the deployment's network: an internal IP literal or local name is refused
 * here, and a name is resolved again before every delivery (operations/webhook-target-guard.ts), since
 * what it resolves to can change after this check.
 */
export function assertWebhookUrl(value: unknown, policy: WebhookUrlPolicy): string {
  if (typeof value !== "string" || value.length === 0) throw badParameter("The parameter 'url' is required and must be a string.");
  if (value.length > MAX_URL_LENGTH) throw badParameter(`The parameter 'url' exceeds ${MAX_URL_LENGTH} characters.`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw badParameter("The parameter 'url' is not a valid absolute URL.");
  }
  const loopback = LOOPBACK_HOSTS.has(url.hostname.toLowerCase());
  if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback)) {
    throw badParameter("The parameter 'url' must be an https URL (http is accepted only for localhost, 127.0.0.1 and [::1]).");
  }
  if (url.username !== "" || url.password !== "") throw badParameter("The parameter 'url' must not contain credentials.");
  if (url.hash !== "" || value.includes("#")) throw badParameter("The parameter 'url' must not contain a fragment.");
  const refusal = policy.allowPrivateTargets ? null : classifyHost(url.hostname).refusal;
  if (refusal !== null) {
    throw badParameter(`The parameter 'url' must not point into a private, link-local, loopback or unique-local network: ${refusal}.`);
  }
  return url.href;
}

/** Absent means every type, as Event Grid's includedEventTypes; an empty list subscribes to nothing and is refused. */
export function assertEventTypes(value: unknown): VaultEventType[] {
  if (value === undefined || value === null) return [...VAULT_EVENT_TYPES];
  if (!Array.isArray(value) || value.length === 0) throw badParameter("The parameter 'eventTypes' must be a non-empty array of event type names.");
  const types = new Set<VaultEventType>();
  for (const item of value as unknown[]) {
    const type = typeof item === "string" ? canonicalEventType(item) : null;
    if (type === null) {
      throw badParameter(`Unknown event type '${String(item)}'. Known types: ${VAULT_EVENT_TYPES.join(", ")}.`);
    }
    types.add(type);
  }
  return [...types];
}

function optionalInteger(body: JsonObject, field: string, min: number, max: number, fallback: number): number {
  const value = body[field];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw badParameter(`The parameter '${field}' must be an integer from ${min} to ${max}.`);
  }
  return value;
}

function subjectPrefix(value: unknown): string | null {
  if (value === undefined || value === null || value === "") return null;
  if (typeof value !== "string") throw badParameter("The parameter 'subjectBeginsWith' must be a string.");
  if (value.length > MAX_SUBJECT_PREFIX_LENGTH) {
    throw badParameter(`The parameter 'subjectBeginsWith' exceeds ${MAX_SUBJECT_PREFIX_LENGTH} characters.`);
  }
  return value;
}

function schema(value: unknown): EventSchema {
  if (value === undefined || value === null) return "EventGridSchema";
  const known = typeof value === "string" ? SCHEMAS.get(value.toLowerCase()) : undefined;
  if (known === undefined) throw badParameter("The parameter 'schema' must be 'EventGridSchema' or 'CloudEventSchemaV1_0'.");
  return known;
}

export function parseEventSubscriptionInput(body: JsonObject, policy: WebhookUrlPolicy): EventSubscriptionSettings {
  const days = optionalInteger(body, "nearExpiryDays", NEAR_EXPIRY_MIN_DAYS, NEAR_EXPIRY_MAX_DAYS, NEAR_EXPIRY_DEFAULT_DAYS);
  return {
    url: assertWebhookUrl(body.url, policy),
    eventTypes: assertEventTypes(body.eventTypes),
    subjectBeginsWith: subjectPrefix(body.subjectBeginsWith),
    nearExpirySeconds: days * DAY_SECONDS,
    schema: schema(body.schema),
    maxDeliveryAttempts: optionalInteger(body, "maxDeliveryAttempts", MAX_ATTEMPTS_MIN, MAX_ATTEMPTS_MAX, MAX_ATTEMPTS_DEFAULT),
  };
}

/** `?status=` of the deliveries list, case-insensitive; absent means every status. */
export function parseDeliveryStatus(value: string | undefined): DeliveryStatus | undefined {
  if (value === undefined || value === "") return undefined;
  const status = DELIVERY_STATUSES.find((s) => s.toLowerCase() === value.toLowerCase());
  if (status === undefined) throw badParameter(`The parameter 'status' must be one of ${DELIVERY_STATUSES.join(", ")}.`);
  return status;
}

/** `?$top=`: 1 to 1000, default 100. */
export function parseTop(value: string | undefined): number {
  if (value === undefined || value === "") return DELIVERY_PAGE_DEFAULT;
  const n = /^\d{1,4}$/.test(value) ? Number(value) : NaN;
  if (!(n >= 1 && n <= DELIVERY_PAGE_MAX)) throw badParameter(`The parameter '$top' must be an integer from 1 to ${DELIVERY_PAGE_MAX}.`);
  return n;
}
