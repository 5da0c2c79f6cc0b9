import type { Context } from "hono";
import { badParameter } from "../../core/errors/vault-error.ts";
import { readBoundedBody } from "./bounded-body.ts";
import { isWellFormedText } from "../../core/crypto/bytes.ts";

/**
 * Largest request body accepted, in bytes: a 25 KB secret value plus generous room for JSON escapes and
 * tags, and a certificate import (a PFX with its chain is a few KB, base64 adds a third).
 */
export const MAX_BODY_BYTES = 256 * 1024;

export type JsonObject = Record<string, unknown>;

/**
 * RFC 8259 §8.1: JSON exchanged between systems MUST be UTF-8; a byte that is not is a bad body, not
 * U+FFFD. A leading byte order mark "MAY" be ignored (same section), as Request.text() did: it is dropped.
 */
const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/** Nesting allowed in a body; .NET's JSON readers (System.Text.Json, Json.NET 13) stop at 64 too. */
export const MAX_JSON_DEPTH = 64;

/**
 * What makes a parsed body unacceptable although it is JSON, or null. I-JSON (RFC 7493 §2.1): member
 * names and string values MUST NOT hold surrogates that do not form a pair. JSON's `\uD800` escape can
 * spell one; it has no UTF-8 form, so a secret value holding it would be stored as U+FFFD (not what was
 * sent), and asn1js throws a URIError encoding it in a certificate subject.
 */
function bodyProblem(value: unknown, depth = 0): string | null {
  if (typeof value === "string") return isWellFormedText(value) ? null : "The request body holds a string with an unpaired UTF-16 surrogate.";
  if (typeof value !== "object" || value === null) return null;
  if (depth >= MAX_JSON_DEPTH) return `The request body is nested deeper than ${MAX_JSON_DEPTH} levels.`;
  const members = Array.isArray(value) ? value.map((item): [string, unknown] => ["", item]) : Object.entries(value);
  for (const [name, member] of members) {
    const problem = bodyProblem(name, depth) ?? bodyProblem(member, depth + 1);
    if (problem !== null) return problem;
  }
  return null;
}

/** Reads the body as a JSON object; anything else is a 400 BadParameter and nothing changes. */
export async function readJsonObject(c: Context): Promise<JsonObject> {
  const bytes = await readBoundedBody(c.req.raw, MAX_BODY_BYTES);
  if (bytes === null) throw badParameter(`The request body is too large; the limit is ${MAX_BODY_BYTES} bytes.`);
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    throw badParameter("The request body is not valid JSON: it is not UTF-8.");
  }
  if (text.trim() === "") throw badParameter("The request body is empty; a JSON object is required.");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw badParameter("The request body is not valid JSON.");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw badParameter("The request body must be a JSON object.");
  }
  const problem = bodyProblem(value);
  if (problem !== null) throw badParameter(problem);
  return value as JsonObject;
}
