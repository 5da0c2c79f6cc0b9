import { getPath } from "hono/utils/url";
import { requestUrl } from "./request-url.ts";

/**
 * An empty version segment means "latest": SDKs send `POST /keys/{name}//sign` (docs/client-contract.md §5).
 * Collapsing the empty segment lets one route serve both forms.
 */
export function withoutEmptySegments(path: string): string {
  return path.includes("//") ? path.replace(/\/{2,}/g, "/") : path;
}

/**
 * The path the data plane routes on: Hono's own (the URL's path, percent-decoded as its router expects), empty
 * segments collapsed and a trailing slash dropped (what `strict: false` does; Hono uses a custom `getPath` only in
 * strict mode). Collapsing here rather than rewriting the request spares a copy of every request that names the
 * latest version (a new Request copies headers and body), the most common key operation an SDK sends.
 */
export function vaultRoutingPath(request: Request): string {
  const path = withoutEmptySegments(getPath(request));
  return path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path;
}

/** The request's path as the data plane's checks and audit see it: the URL's path with empty segments collapsed. */
export function vaultRequestPath(request: Request): string {
  return withoutEmptySegments(requestUrl(request).pathname);
}
