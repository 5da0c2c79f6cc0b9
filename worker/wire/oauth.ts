import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { readBoundedBody } from "./bounded-body.ts";

/** A token request is a few hundred bytes (RFC 6749 §4.4.2 form fields and a client assertion JWT). */
export const MAX_FORM_BYTES = 16_384;

/**
 * Token endpoints answer in OAuth 2.0's error shape (RFC 6749 §5.2), which MSAL and the managed
 * identity clients parse, not in Key Vault's.
 */
export function oauthError(c: Context, status: ContentfulStatusCode, error: string, description: string): Response {
  return c.json({ error, error_description: description }, status);
}

/** `https://vault.x/.default` or `https://vault.x` → the resource the token is for (no trailing slash). */
export function resourceFromScope(scope: string | undefined): string | null {
  if (scope === undefined) return null;
  const first = scope.split(" ").find((s) => s.endsWith("/.default"));
  const resource = (first ?? scope).replace(/\/\.default$/, "").replace(/\/+$/, "");
  try {
    const url = new URL(resource);
    return url.protocol === "https:" ? resource : null;
  } catch {
    return null;
  }
}

/** A form body (application/x-www-form-urlencoded) as a map; other bodies read as empty. */
export async function readForm(c: Context): Promise<URLSearchParams> {
  const type = c.req.header("Content-Type") ?? "";
  if (!type.toLowerCase().startsWith("application/x-www-form-urlencoded")) return new URLSearchParams();
  // Read as bytes: workerd warns when a form body is read with .text(). Larger bodies read as empty.
  const bytes = await readBoundedBody(c.req.raw, MAX_FORM_BYTES);
  return new URLSearchParams(bytes === null ? "" : new TextDecoder().decode(bytes));
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
