import { base64UrlToBytes } from "../../core/crypto/bytes.ts";
import { badParameter } from "../../core/errors/vault-error.ts";
import type { JsonObject } from "./json-body.ts";

/** Binary members are base64url (keys.json `format: base64url`); anything else is a 400 naming the member. */
export function requiredBytes(body: JsonObject, field: string): Uint8Array {
  const value = body[field];
  if (typeof value !== "string") throw badParameter(`The parameter '${field}' is required and must be base64url.`);
  const bytes = base64UrlToBytes(value);
  if (bytes === null) throw badParameter(`The parameter '${field}' is not valid base64url.`);
  return bytes;
}

export function optionalBytes(body: JsonObject, field: string): Uint8Array | undefined {
  const value = body[field];
  return value === undefined || value === null ? undefined : requiredBytes(body, field);
}
