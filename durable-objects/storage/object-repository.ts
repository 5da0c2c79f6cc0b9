import type { ObjectAttributes, Tags } from "../../core/domain/objects/attributes.ts";
import type { NameState, NamedLatest, ObjectKind, StoredVersion } from "../../core/domain/objects/versioned-object.ts";

type VersionRow = {
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

type NameRow = { name: string; name_key: string; deleted_at: number | null; scheduled_purge_at: number | null; settles_at: number | null };

const VERSION_COLUMNS =
  "o.name, v.version, v.seq, v.enabled, v.nbf, v.exp, v.created, v.updated, v.content_type, v.tags, v.managed, v.sealed_value, v.props";

/** The latest version of each name is the one with the highest seq. */
const LATEST_JOIN =
  "JOIN object_versions v ON v.kind = o.kind AND v.name_key = o.name_key AND v.seq = " +
  "(SELECT MAX(seq) FROM object_versions WHERE kind = o.kind AND name_key = o.name_key)";

/** Rows ⇄ versioned objects for every kind. All SQL for objects lives here (docs/decisions.md §2.2). */
export class ObjectRepository {
  constructor(private readonly sql: SqlStorage) {}

  findName(kind: ObjectKind, key: string): NameState | null {
    const rows = this.sql
      .exec<NameRow>("SELECT name, name_key, deleted_at, scheduled_purge_at, settles_at FROM objects WHERE kind = ? AND name_key = ?", kind, key)
      .toArray();
    const row = rows[0];
    return row === undefined ? null : toNameState(row);
  }

  /**
   * A version (the latest when `version` is undefined) with its name's lifecycle state, in one query:
   * this is every data-plane read's hot path.
   */
  versionWithState(kind: ObjectKind, key: string, version: string | undefined): NamedLatest | null {
    const query =
      `SELECT ${VERSION_COLUMNS}, o.name_key, o.deleted_at, o.scheduled_purge_at, o.settles_at FROM objects o ` +
      "JOIN object_versions v ON v.kind = o.kind AND v.name_key = o.name_key WHERE o.kind = ? AND o.name_key = ?";
    const rows =
      version === undefined
        ? this.sql.exec<VersionRow & NameRow>(`${query} ORDER BY v.seq DESC LIMIT 1`, kind, key).toArray()
        : this.sql.exec<VersionRow & NameRow>(`${query} AND v.version = ?`, kind, key, version).toArray();
    const row = rows[0];
    return row === undefined ? null : { state: toNameState(row), latest: toVersion(row) };
  }

  /** A key version's public properties JSON (the latest when `version` is undefined), for throttle weights. */
  keyProperties(key: string, version: string | undefined): string | null {
    const rows =
      version === undefined
        ? this.sql.exec<{ props: string | null }>(
            "SELECT props FROM object_versions WHERE kind = 'key' AND name_key = ? ORDER BY seq DESC LIMIT 1",
            key,
          )
        : this.sql.exec<{ props: string | null }>(
            "SELECT props FROM object_versions WHERE kind = 'key' AND name_key = ? AND version = ?",
            key,
            version,
          );
    return rows.toArray()[0]?.props ?? null;
  }

  /** Every version of every name of a kind, deleted ones included (vault deletion). */
  allVersionsOfKind(kind: ObjectKind): StoredVersion[] {
    return this.sql
      .exec<VersionRow>(`SELECT ${VERSION_COLUMNS} FROM objects o JOIN object_versions v ON v.kind = o.kind AND v.name_key = o.name_key WHERE o.kind = ?`, kind)
      .toArray()
      .map(toVersion);
  }

  /** Every version, oldest first (backup). */
  allVersions(kind: ObjectKind, key: string): StoredVersion[] {
    return this.sql
      .exec<VersionRow>(
        `SELECT ${VERSION_COLUMNS} FROM objects o JOIN object_versions v ON v.kind = o.kind AND v.name_key = o.name_key ` +
          "WHERE o.kind = ? AND o.name_key = ? ORDER BY v.seq",
        kind,
        key,
      )
      .toArray()
      .map(toVersion);
  }

  /** Versions after `afterSeq`, oldest first, at most `limit`. */
  versionsPage(kind: ObjectKind, key: string, afterSeq: number, limit: number): StoredVersion[] {
    return this.sql
      .exec<VersionRow>(
        `SELECT ${VERSION_COLUMNS} FROM objects o JOIN object_versions v ON v.kind = o.kind AND v.name_key = o.name_key ` +
          "WHERE o.kind = ? AND o.name_key = ? AND v.seq > ? ORDER BY v.seq LIMIT ?",
        kind,
        key,
        afterSeq,
        limit,
      )
      .toArray()
      .map(toVersion);
  }

  /**
   * Names after `afterKey` in name order with their latest version; live or soft-deleted ones whose delete or
   * recover had completed at `nowMs` (a name still in transition is in neither list, as in Azure).
   */
  namesPage(kind: ObjectKind, deleted: boolean, afterKey: string, limit: number, nowMs: number): NamedLatest[] {
    const rows = this.sql
      .exec<VersionRow & NameRow>(
        `SELECT ${VERSION_COLUMNS}, o.name_key, o.deleted_at, o.scheduled_purge_at, o.settles_at FROM objects o ${LATEST_JOIN} ` +
          `WHERE o.kind = ? AND o.deleted_at IS ${deleted ? "NOT NULL" : "NULL"} AND (o.settles_at IS NULL OR o.settles_at <= ?) ` +
          "AND o.name_key > ? ORDER BY o.name_key LIMIT ?",
        kind,
        nowMs,
        afterKey,
        limit,
      )
      .toArray();
    return rows.map((row) => ({ state: toNameState(row), latest: toVersion(row) }));
  }

  insertName(kind: ObjectKind, key: string, name: string): void {
    this.sql.exec("INSERT INTO objects (kind, name_key, name) VALUES (?, ?, ?)", kind, key, name);
  }

  nextSeq(kind: ObjectKind, key: string): number {
    const row = this.sql
      .exec<{ s: number | null }>("SELECT MAX(seq) AS s FROM object_versions WHERE kind = ? AND name_key = ?", kind, key)
      .one();
    return (row.s ?? 0) + 1;
  }

  insertVersion(kind: ObjectKind, key: string, v: StoredVersion): void {
    this.sql.exec(
      "INSERT INTO object_versions (kind, name_key, version, seq, enabled, nbf, exp, created, updated, content_type, tags, managed, sealed_value, props) " +
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      kind,
      key,
      v.version,
      v.seq,
      v.attributes.enabled ? 1 : 0,
      v.attributes.nbf ?? null,
      v.attributes.exp ?? null,
      v.attributes.created,
      v.attributes.updated,
      v.contentType ?? null,
      v.tags === undefined ? null : JSON.stringify(v.tags),
      v.managed ? 1 : 0,
      v.sealedValue,
      v.props ?? null,
    );
  }

  /** Rewrites a version's mutable metadata (attributes, tags, content type, properties); the sealed value never changes. */
  updateMetadata(kind: ObjectKind, key: string, v: StoredVersion): void {
    this.sql.exec(
      "UPDATE object_versions SET enabled = ?, nbf = ?, exp = ?, updated = ?, content_type = ?, tags = ?, props = ? " +
        "WHERE kind = ? AND name_key = ? AND version = ?",
      v.attributes.enabled ? 1 : 0,
      v.attributes.nbf ?? null,
      v.attributes.exp ?? null,
      v.attributes.updated,
      v.contentType ?? null,
      v.tags === undefined ? null : JSON.stringify(v.tags),
      v.props ?? null,
      kind,
      key,
      v.version,
    );
  }

  markDeleted(kind: ObjectKind, key: string, deletedAt: number, scheduledPurgeAt: number, settlesAt: number | null): void {
    this.sql.exec(
      "UPDATE objects SET deleted_at = ?, scheduled_purge_at = ?, settles_at = ? WHERE kind = ? AND name_key = ?",
      deletedAt,
      scheduledPurgeAt,
      settlesAt,
      kind,
      key,
    );
  }

  markRecovered(kind: ObjectKind, key: string, settlesAt: number | null): void {
    this.sql.exec(
      "UPDATE objects SET deleted_at = NULL, scheduled_purge_at = NULL, settles_at = ? WHERE kind = ? AND name_key = ?",
      settlesAt,
      kind,
      key,
    );
  }

  /** Removes every trace of a name, including a key's rotation policy. */
  purge(kind: ObjectKind, key: string): void {
    this.sql.exec("DELETE FROM object_versions WHERE kind = ? AND name_key = ?", kind, key);
    this.sql.exec("DELETE FROM objects WHERE kind = ? AND name_key = ?", kind, key);
    if (kind === "key") this.sql.exec("DELETE FROM key_rotation_policies WHERE name_key = ?", key);
  }

  /** The earliest scheduled purge (Unix seconds), for the purge alarm. */
  earliestScheduledPurge(): number | null {
    return this.sql
      .exec<{ t: number | null }>("SELECT MIN(scheduled_purge_at) AS t FROM objects WHERE scheduled_purge_at IS NOT NULL")
      .one().t;
  }

  duePurges(nowSeconds: number): { kind: ObjectKind; key: string }[] {
    return this.sql
      .exec<{ kind: ObjectKind; name_key: string }>(
        "SELECT kind, name_key FROM objects WHERE scheduled_purge_at IS NOT NULL AND scheduled_purge_at <= ?",
        nowSeconds,
      )
      .toArray()
      .map((r) => ({ kind: r.kind, key: r.name_key }));
  }
}

function toNameState(row: NameRow): NameState {
  return { name: row.name, deletedAt: row.deleted_at, scheduledPurgeAt: row.scheduled_purge_at, settlesAt: row.settles_at };
}

function toVersion(row: VersionRow): StoredVersion {
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
