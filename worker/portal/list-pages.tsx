import { createMiddleware } from "hono/factory";
import type { PortalEnv } from "./portal-env.ts";
import type { ApiAnswer } from "./upstream.ts";

/**
 * Paging of the portal's lists by the APIs' own continuation (Azure's `nextLink`, docs/portal.md "Lists"). A "Next
 * page" link carries only the `$skiptoken` of the API's nextLink, as `?page=`, beside the list's own filter: never a
 * URL. The portal builds the next request itself, to the same API path it asked before, so a link cannot point it at
 * another host or path; the token stays opaque (sealed by the vault, bound to its list and filter) and the API
 * refuses one it did not issue for that list.
 */
export const PAGE_PARAM = "page";

/** Every continuation the APIs issue is base64url (core/domain/objects/paging.ts, page-tokens.ts), at most 1 KiB. */
const SKIP_TOKEN = /^[A-Za-z0-9_-]{1,1024}$/;

/** A `?page=` that is not a continuation token is refused before any API is called. */
export const wellFormedPage = createMiddleware<PortalEnv>(async (c, next) => {
  const pages = c.req.queries(PAGE_PARAM) ?? [];
  if (pages.length > 1 || (pages.length === 1 && !SKIP_TOKEN.test(pages[0] ?? ""))) return c.text("Not a page of this list.", 400);
  return next();
});

/** The API query for the requested page: `$skiptoken` when the portal's URL names a later page. */
export function pageQuery(token: string | undefined): Record<string, string> {
  return token === undefined ? {} : { $skiptoken: token };
}

/**
 * The continuation of an API list answer, or null on its last page. Taken only from a nextLink to the very origin and
 * path the portal called; anything else (another host, another list, no token) ends the list here.
 */
export function nextPageToken(answer: ApiAnswer): string | null {
  const link = typeof answer.body === "object" && answer.body !== null ? (answer.body as { nextLink?: unknown }).nextLink : undefined;
  if (!answer.ok || typeof link !== "string" || !URL.canParse(link)) return null;
  const next = new URL(link);
  const asked = new URL(answer.url);
  if (next.origin !== asked.origin || next.pathname !== asked.pathname) return null;
  const token = next.searchParams.get("$skiptoken");
  return token !== null && SKIP_TOKEN.test(token) ? token : null;
}

/**
 * Links to the next page (kept with the list's filter, `query`) and back to the first; plain links, so paging works
 * without script. `label` names the list for screen readers when a page has more than one.
 */
export function Pager({ here, query = {}, current, next, label }: { here: string; query?: Record<string, string>; current: string | undefined; next: string | null; label: string }) {
  if (current === undefined && next === null) return null;
  const link = (page: string | null): string => {
    const search = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== ""));
    if (page !== null) search.set(PAGE_PARAM, page);
    const text = search.toString();
    return text === "" ? here : `${here}?${text}`;
  };
  return (
    <nav aria-label={`Pages of ${label}`} class="pager">
      {current === undefined ? null : <a href={link(null)}>First page</a>}
      {next === null ? null : <a href={link(next)} rel="next">Next page</a>}
    </nav>
  );
}
