import type { Page, PageRequest } from "../../core/contract/common.ts";
import { badParameter } from "../../core/errors/vault-error.ts";

/** Azure pages hold at most 25 items (`maxresults` 1..25, default 25). */
export const MAX_RESULTS = 25;

export function pageRequest(url: URL): PageRequest {
  const raw = url.searchParams.get("maxresults");
  let maxResults = MAX_RESULTS;
  if (raw !== null && raw !== "") {
    maxResults = Number(raw);
    if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > MAX_RESULTS) {
      throw badParameter(`Invalid value for 'maxresults': ${raw}. It must be an integer between 1 and ${MAX_RESULTS}.`);
    }
  }
  const skipToken = url.searchParams.get("$skiptoken");
  return skipToken === null || skipToken === "" ? { maxResults } : { maxResults, skipToken };
}

/** `{"value":[…],"nextLink":…}` with an absolute nextLink carrying api-version, token and page size. */
export function listBody<T, W>(page: Page<T>, format: (item: T) => W, nextBase: string, apiVersion: string, request: PageRequest) {
  const nextLink =
    page.next === null
      ? null
      : `${nextBase}?api-version=${encodeURIComponent(apiVersion)}&$skiptoken=${encodeURIComponent(page.next)}&maxresults=${request.maxResults}`;
  return { value: page.items.map(format), nextLink };
}
