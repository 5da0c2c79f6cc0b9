import type { ObjectAttributes, Tags } from "../../core/domain/objects/attributes.ts";
import type { NameState, StoredVersion } from "../../core/domain/objects/versioned-object.ts";

/** What the object queries select (objects `o` joined with object_versions `v`), shared by the object repositories. */
export type VersionRow = {
  name: string;
  version: string;
  seq: number;
  enabled: number;
  nbf: number | null;
  exp: number | null;
  created: number;
  updated: number;
  content_type: string | null;
  tags: string | null;
  managed: number;
  sealed_value: ArrayBuffer;
  props: string | null;
};

export type NameRow = { name: string; name_key: string; deleted_at: number | null; scheduled_purge_at: number | null; settles_at: number | null };

export const VERSION_COLUMNS =
  "o.name, v.version, v.seq, v.enabled, v.nbf, v.exp, v.created, v.updated, v.content_type, v.tags, v.managed, v.sealed_value, v.props";

export const NAME_COLUMNS = "o.name_key, o.deleted_at, o.scheduled_purge_at, o.settles_at";

/**
 * The latest version of each name is the one with the highest seq. `+o.name_key`: without the unary plus SQLite
 * carries a page's `o.name_key > ?` over to `v.name_key` through the join and scans every later name's versions for
 * each row (0.35 s a page at 100,000 names, measured by the list bench); with it, each row is one index lookup.
 */
export const LATEST_JOIN =
  "JOIN object_versions v ON v.kind = o.kind AND v.name_key = +o.name_key AND v.seq = " +
  "(SELECT MAX(seq) FROM object_versions WHERE kind = o.kind AND name_key = o.name_key)";

export function toNameState(row: NameRow): NameState {
  return { name: row.name, deletedAt: row.deleted_at, scheduledPurgeAt: row.scheduled_purge_at, settlesAt: row.settles_at };
}

export function toVersion(row: VersionRow): StoredVersion {
  const attributes: ObjectAttributes = {
    enabled: row.enabled === 1,
    ...(row.nbf === null ? {} : { nbf: row.nbf }),
    ...(row.exp === null ? {} : { exp: row.exp }),
    created: row.created,
    updated: row.updated,
  };
  return {
    name: row.name,
    version: row.version,
    seq: row.seq,
    attributes,
    ...(row.content_type === null ? {} : { contentType: row.content_type }),
    ...(row.tags === null ? {} : { tags: JSON.parse(row.tags) as Tags }),
    managed: row.managed === 1,
    sealedValue: new Uint8Array(row.sealed_value),
    ...(row.props === null ? {} : { props: row.props }),
  };
}
