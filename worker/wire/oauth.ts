import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

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
  // Read as bytes: workerd warns when a form body is read with .text().
  const bytes = await c.req.arrayBuffer();
  return new URLSearchParams(bytes.byteLength > 16_384 ? "" : new TextDecoder().decode(bytes));
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
