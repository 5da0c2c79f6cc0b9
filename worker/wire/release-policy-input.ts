import { base64UrlToBytes, bytesToBase64Url } from "../../core/crypto/bytes.ts";
import type { StoredReleasePolicy } from "../../core/domain/objects/key-properties.ts";
import { parseReleasePolicy } from "../../core/domain/release-policy/parse-policy.ts";
import { badParameter } from "../../core/errors/vault-error.ts";
import type { JsonObject } from "./json-body.ts";

/**
 * keys.json KeyReleasePolicy on create, import and update: `{contentType?, immutable?, data}`, `data` base64url of
 * the policy's JSON (the SDKs' `encodedPolicy`). The policy is parsed here, so a malformed one is a 400 naming what
 * is wrong and nothing is stored; what is stored is the bytes as sent, answered back the same on every read.
 */

/** KeyReleasePolicy.contentType's default; "; version=1.0" is the form Azure's own documents write. */
export const DEFAULT_RELEASE_POLICY_CONTENT_TYPE = "application/json; charset=utf-8";
const CONTENT_TYPES = ["application/json; charset=utf-8", "application/json; charset=utf-8; version=1.0", "application/json"];
/** Largest policy accepted, in bytes of JSON: far above any grammar-sized policy, far below the body limit. */
export const MAX_RELEASE_POLICY_BYTES = 16 * 1024;

const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

const canonicalContentType = (value: string): string => value.toLowerCase().replace(/\s+/g, "").replace(/;/g, "; ");

function contentTypeOf(value: unknown): string {
  if (value === undefined || value === null) return DEFAULT_RELEASE_POLICY_CONTENT_TYPE;
  if (typeof value !== "string" || !CONTENT_TYPES.includes(canonicalContentType(value))) {
    throw badParameter(`The release policy's contentType must be one of: ${CONTENT_TYPES.join(", ")}.`);
  }
  return value;
}

function policyBytes(value: unknown): Uint8Array {
  if (typeof value !== "string" || value === "") throw badParameter("The release policy's 'data' is required: the policy's JSON, base64url-encoded.");
  const bytes = base64UrlToBytes(value);
  if (bytes === null) throw badParameter("The release policy's 'data' is not base64url.");
  if (bytes.length > MAX_RELEASE_POLICY_BYTES) throw badParameter(`The release policy is larger than ${MAX_RELEASE_POLICY_BYTES} bytes.`);
  return bytes;
}

/** `release_policy` of a request body, or undefined when the body has none (null counts as none). */
export function releasePolicyInput(body: JsonObject): StoredReleasePolicy | undefined {
  const value = body.release_policy;
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "object" || Array.isArray(value)) throw badParameter("The parameter 'release_policy' must be an object.");
  const policy = value as JsonObject;
  const immutable = policy.immutable ?? false;
  if (typeof immutable !== "boolean") throw badParameter("The release policy's 'immutable' must be a boolean.");
  const contentType = contentTypeOf(policy.contentType);
  const bytes = policyBytes(policy.data);
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    throw badParameter("The release policy is not valid: it is not UTF-8 text.");
  }
  parseReleasePolicy(text);
  return { contentType, immutable, data: bytesToBase64Url(bytes) };
}

/** `attributes.exportable` of a request body: a boolean, or undefined when absent or null. */
export function exportableInput(body: JsonObject): boolean | undefined {
  const attributes = body.attributes;
  if (typeof attributes !== "object" || attributes === null || Array.isArray(attributes)) return undefined;
  const exportable = (attributes as JsonObject).exportable;
  if (exportable === undefined || exportable === null) return undefined;
  if (typeof exportable !== "boolean") throw badParameter("The attribute 'exportable' must be a boolean.");
  return exportable;
}
