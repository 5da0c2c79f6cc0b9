/**
 * A request's URL, parsed once: the entry, the router's middleware and the handlers each need it, and each parse
 * costs more than the lookup (docs/performance.md). Keyed by the Request object, so it lives as long as the request.
 * Shared: read it, never change it (make a copy to rewrite a URL).
 */
const parsed = new WeakMap<Request, URL>();

export function requestUrl(request: Request): URL {
  let url = parsed.get(request);
  if (url === undefined) {
    url = new URL(request.url);
    parsed.set(request, url);
  }
  return url;
}
