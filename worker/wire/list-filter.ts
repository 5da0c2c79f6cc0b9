import type { NameFilter } from "../../core/contract/common.ts";
import { badParameter } from "../../core/errors/vault-error.ts";
import { MAX_SECRET_TAG_LENGTH } from "./assertions.ts";

/**
 * Filters on lists, an extension beyond Azure (docs/edge-reads.md): three plain query parameters on GET /secrets,
 * /keys, /certificates and the deleted lists. Plain parameters rather than OData `$filter`: `$filter` is Azure's own
 * name elsewhere (ARM), so a future api-version could give it other semantics here, and a grammar with quoting is
 * more to parse strictly than three values. The tag is two parameters, not `name:value`, because a tag name may hold
 * any character (`:` and `=` included) and two parameters need no escaping rule of ours. Azure's list parameters are
 * `api-version`, `maxresults`, `$skiptoken` and `includePending`; none starts with `edge-`.
 */
export const EDGE_PREFIX = "edge-prefix";
export const EDGE_TAG_NAME = "edge-tag-name";
export const EDGE_TAG_VALUE = "edge-tag-value";
const KNOWN = new Set([EDGE_PREFIX, EDGE_TAG_NAME, EDGE_TAG_VALUE]);

/** Every parameter of this extension starts with it, in any case; an unknown one is refused, never ignored. */
const EXTENSION = "edge-";

/** A prefix of an object name: what assertObjectName allows, so a prefix that no name can have is an error. */
const NAME_PREFIX = /^[0-9a-zA-Z-]{1,127}$/;

/** The longest tag name or value any object kind may hold (secrets; keys allow 256). */
const MAX_TAG_LENGTH = MAX_SECRET_TAG_LENGTH;

/**
 * The filter of a list request, or undefined when it has none. Checked whole before the vault is called: an unknown
 * `edge-*` parameter, a repeated one, a prefix that is not a name's, a tag name without its value (or the reverse) or
 * one too long is 400 BadParameter naming the parameter. The prefix is lower-cased: names are case-insensitive.
 */
export function nameFilter(url: URL): NameFilter | undefined {
  assertOnlyKnown(url, KNOWN);
  const prefix = single(url, EDGE_PREFIX);
  const tagName = single(url, EDGE_TAG_NAME);
  const tagValue = single(url, EDGE_TAG_VALUE);
  if (prefix !== undefined && !NAME_PREFIX.test(prefix)) {
    throw badParameter(`Invalid value for '${EDGE_PREFIX}': it must be 1–127 characters of 0-9, a-z, A-Z and '-'.`);
  }
  if ((tagName === undefined) !== (tagValue === undefined)) {
    const missing = tagName === undefined ? EDGE_TAG_NAME : EDGE_TAG_VALUE;
    throw badParameter(`The parameter '${missing}' is required with '${missing === EDGE_TAG_NAME ? EDGE_TAG_VALUE : EDGE_TAG_NAME}'.`);
  }
  if (tagName !== undefined && (tagName.length === 0 || tagName.length > MAX_TAG_LENGTH)) {
    throw badParameter(`Invalid value for '${EDGE_TAG_NAME}': it must be 1–${MAX_TAG_LENGTH} characters.`);
  }
  if (tagValue !== undefined && tagValue.length > MAX_TAG_LENGTH) {
    throw badParameter(`Invalid value for '${EDGE_TAG_VALUE}': it must be at most ${MAX_TAG_LENGTH} characters.`);
  }
  const filter: NameFilter = {
    ...(prefix === undefined ? {} : { namePrefix: prefix.toLowerCase() }),
    ...(tagName === undefined || tagValue === undefined ? {} : { tag: { name: tagName, value: tagValue } }),
  };
  return filter.namePrefix === undefined && filter.tag === undefined ? undefined : filter;
}

/** For lists that take no filter (versions, issuers): any `edge-*` parameter is refused rather than ignored. */
export function assertNoNameFilter(url: URL): void {
  assertOnlyKnown(url, new Set());
}

/** The filter as nextLink parameters (`&edge-prefix=…`), so every page of a filtered list stays filtered. */
export function filterQuery(filter: NameFilter | undefined): string {
  let query = "";
  if (filter?.namePrefix !== undefined) query += `&${EDGE_PREFIX}=${encodeURIComponent(filter.namePrefix)}`;
  if (filter?.tag !== undefined) {
    query += `&${EDGE_TAG_NAME}=${encodeURIComponent(filter.tag.name)}&${EDGE_TAG_VALUE}=${encodeURIComponent(filter.tag.value)}`;
  }
  return query;
}

function assertOnlyKnown(url: URL, known: ReadonlySet<string>): void {
  for (const name of url.searchParams.keys()) {
    if (name.toLowerCase().startsWith(EXTENSION) && !known.has(name)) {
      throw badParameter(`The query parameter '${name}' is not supported on this list.`);
    }
  }
}

/** A parameter given at most once: a repeated filter parameter has no single meaning. */
function single(url: URL, name: string): string | undefined {
  const values = url.searchParams.getAll(name);
  if (values.length > 1) throw badParameter(`The query parameter '${name}' may be given only once.`);
  return values[0];
}
