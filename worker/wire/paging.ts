import type { Page, PageRequest } from "../../core/contract/common.ts";
import { badParameter } from "../../core/errors/vault-error.ts";
import { assertNoNameFilter, filterQuery, nameFilter } from "./list-filter.ts";

/** Azure pages hold at most 25 items (`maxresults` 1..25, default 25). */
export const MAX_RESULTS = 25;

/** A page of a list that takes no filter (versions, issuers). */
export function pageRequest(url: URL): PageRequest {
  assertNoNameFilter(url);
  return basePage(url);
}

/** A page of a list of names (secrets, keys, certificates, deleted ones), with its filter if any (list-filter.ts). */
export function filteredPageRequest(url: URL): PageRequest {
  const filter = nameFilter(url);
  const page = basePage(url);
  return filter === undefined ? page : { ...page, filter };
}

function basePage(url: URL): PageRequest {
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

/** `{"value":[…],"nextLink":…}` with an absolute nextLink carrying api-version, token, page size and the filter. */
export function listBody<T, W>(page: Page<T>, format: (item: T) => W, nextBase: string, apiVersion: string, request: PageRequest) {
  const nextLink =
    page.next === null
      ? null
      : `${nextBase}?api-version=${encodeURIComponent(apiVersion)}&$skiptoken=${encodeURIComponent(page.next)}&maxresults=${request.maxResults}` +
        filterQuery(request.filter);
  return { value: page.items.map(format), nextLink };
}
