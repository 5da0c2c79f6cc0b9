import type { Context } from "hono";
import { badParameter } from "../errors/vault-error.ts";

/** Largest request body accepted: a 25 KB secret value plus generous room for JSON and tags. */
export const MAX_BODY_BYTES = 256 * 1024;

export type JsonObject = Record<string, unknown>;

/** Reads the body as a JSON object; anything else is a 400 BadParameter and nothing changes. */
export async function readJsonObject(c: Context): Promise<JsonObject> {
  const declared = Number(c.req.header("Content-Length") ?? "0");
  if (declared > MAX_BODY_BYTES) throw badParameter("The request body is too large.");
  const text = await c.req.text();
  if (text.length > MAX_BODY_BYTES) throw badParameter("The request body is too large.");
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
  return value as JsonObject;
}
