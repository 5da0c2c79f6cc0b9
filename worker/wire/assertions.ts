import type { AttributesPatch, Tags } from "../../core/domain/objects/attributes.ts";
import { badParameter } from "../../core/errors/vault-error.ts";
import type { JsonObject } from "./json-body.ts";

/** Object names: 1–127 characters of 0-9a-zA-Z- (secrets.json `pattern`). */
const OBJECT_NAME = /^[0-9a-zA-Z-]{1,127}$/;

/**
 * Azure's tag limits: 15 tags; names and values up to 512 characters on secrets (about-secrets.md), 256 on
 * keys (about-keys-details.md). Unlike the secret value's 25 KB of octets, these are characters: .NET
 * string lengths, i.e. UTF-16 code units, which is what JavaScript's `string.length` counts. Every
 * character limit here counts that way (an emoji is two); only byte limits use utf8ByteLength.
 */
export const MAX_TAGS = 15;
export const MAX_SECRET_TAG_LENGTH = 512;
export const MAX_KEY_TAG_LENGTH = 256;

export function assertObjectName(name: string | undefined): string {
  if (name === undefined || !OBJECT_NAME.test(name)) throw badParameter(`The request URI contains an invalid name: ${name ?? ""}`);
  return name;
}

export function optionalString(body: JsonObject, field: string, maxLength: number): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw badParameter(`The parameter '${field}' must be a string.`);
  if (value.length > maxLength) throw badParameter(`The parameter '${field}' exceeds ${maxLength} characters.`);
  return value;
}

function optionalDate(attributes: JsonObject, field: "nbf" | "exp"): number | null | undefined {
  const value = attributes[field];
  if (value === undefined) return undefined;
  if (value === null) return null;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    throw badParameter(`The attribute '${field}' must be a Unix time in seconds.`);
  }
  return value;
}

/** `attributes`: enabled, nbf, exp are writable; created/updated/recovery fields are read-only and ignored. */
export function optionalAttributes(body: JsonObject): AttributesPatch | undefined {
  const value = body.attributes;
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "object" || Array.isArray(value)) throw badParameter("The parameter 'attributes' must be an object.");
  const attributes = value as JsonObject;
  const enabled = attributes.enabled;
  if (enabled !== undefined && enabled !== null && typeof enabled !== "boolean") {
    throw badParameter("The attribute 'enabled' must be a boolean.");
  }
  const nbf = optionalDate(attributes, "nbf");
  const exp = optionalDate(attributes, "exp");
  if (typeof nbf === "number" && typeof exp === "number" && exp < nbf) {
    throw badParameter("The attribute 'exp' must not be earlier than 'nbf'.");
  }
  return {
    ...(typeof enabled === "boolean" ? { enabled } : {}),
    ...(nbf === undefined ? {} : { nbf }),
    ...(exp === undefined ? {} : { exp }),
  };
}

export function optionalTags(body: JsonObject, maxLength: number): Tags | undefined {
  const value = body.tags;
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "object" || Array.isArray(value)) throw badParameter("The parameter 'tags' must be an object.");
  const entries = Object.entries(value as JsonObject);
  if (entries.length > MAX_TAGS) throw badParameter(`A maximum of ${MAX_TAGS} tags is allowed.`);
  for (const [name, tagValue] of entries) {
    if (typeof tagValue !== "string") throw badParameter(`The value of tag '${name}' must be a string.`);
    if (name.length === 0 || name.length > maxLength || tagValue.length > maxLength) {
      throw badParameter(`Tag names and values must be 1–${maxLength} characters.`);
    }
  }
  // fromEntries defines own properties, so a tag named "__proto__" stays a tag, not a prototype.
  return Object.fromEntries(entries) as Tags;
}
