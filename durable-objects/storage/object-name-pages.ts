import type { NameFilter } from "../../core/contract/common.ts";
import type { NamedLatest, ObjectKind } from "../../core/domain/objects/versioned-object.ts";
import { LATEST_JOIN, NAME_COLUMNS, VERSION_COLUMNS, toNameState, toVersion, type NameRow, type VersionRow } from "./object-rows.ts";

/** Where a page of names starts and which names it may hold. */
export interface NamesPageQuery {
  readonly kind: ObjectKind;
  /** The deleted collection, or the live one. */
  readonly deleted: boolean;
  /** Exclusive: the last name key of the previous page, "" for the first. */
  readonly afterKey: string;
  readonly limit: number;
  /** Names whose delete or recover settles later than this (Unix ms) are in neither collection, as in Azure. */
  readonly nowMs: number;
  readonly filter?: NameFilter | undefined;
}

/**
 * Names after `afterKey` in name order, with their latest version. Every form is a range walk of an index in name
 * order that stops at `limit` rows, so a page costs the same in a vault of a hundred names or of a hundred thousand:
 * - no tag: the primary key of `objects` (kind, name_key), from max(afterKey, prefix) to the prefix's end;
 * - a tag: `object_tags_by_value` (kind, tag, value, name_key), the same name range within one tag value, each hit
 *   joined to its name. CROSS JOIN keeps the tag index the outer loop (SQLite never reorders a CROSS JOIN), so the
 *   planner cannot choose to scan every name of the kind and probe for the tag.
 * What is skipped is what the unfiltered list skips too: names deleted (or live) and names still settling.
 */
export function namesPage(sql: SqlStorage, q: NamesPageQuery): NamedLatest[] {
  const tag = q.filter?.tag;
  const key = tag === undefined ? "o.name_key" : "t.name_key";
  const from =
    tag === undefined
      ? `objects o ${LATEST_JOIN}`
      : `object_tags t CROSS JOIN objects o ON o.kind = t.kind AND o.name_key = t.name_key ${LATEST_JOIN}`;
  const where = tag === undefined ? ["o.kind = ?"] : ["t.kind = ?", "t.tag = ?", "t.value = ?"];
  const params: SqlStorageValue[] = tag === undefined ? [q.kind] : [q.kind, tag.name, tag.value];
  where.push(`o.deleted_at IS ${q.deleted ? "NOT NULL" : "NULL"}`, "(o.settles_at IS NULL OR o.settles_at <= ?)", `${key} > ?`);
  params.push(q.nowMs, q.afterKey);
  const prefix = q.filter?.namePrefix;
  if (prefix !== undefined && prefix !== "") {
    where.push(`${key} >= ?`, `${key} < ?`);
    params.push(prefix, prefixEnd(prefix));
  }
  params.push(q.limit);
  const rows = sql
    .exec<VersionRow & NameRow>(`SELECT ${VERSION_COLUMNS}, ${NAME_COLUMNS} FROM ${from} WHERE ${where.join(" AND ")} ORDER BY ${key} LIMIT ?`, ...params)
    .toArray();
  return rows.map((row) => ({ state: toNameState(row), latest: toVersion(row) }));
}

/**
 * The least string above every string that starts with `prefix`: its last character incremented. SQLite compares
 * TEXT as UTF-8 bytes; names and prefixes are ASCII (0-9a-z-, assertObjectName, worker/wire/list-filter.ts), where
 * the next character code is the next byte, so `name_key >= prefix AND name_key < prefixEnd` is exactly "starts with".
 */
export function prefixEnd(prefix: string): string {
  const last = prefix.charCodeAt(prefix.length - 1);
  return prefix.slice(0, -1) + String.fromCharCode(last + 1);
}
