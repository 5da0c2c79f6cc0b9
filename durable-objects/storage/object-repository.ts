import type { NameFilter } from "../../core/contract/common.ts";
import type { NameState, NamedLatest, ObjectKind, StoredVersion } from "../../core/domain/objects/versioned-object.ts";
import { namesPage } from "./object-name-pages.ts";
import { LATEST_JOIN, NAME_COLUMNS, VERSION_COLUMNS, toNameState, toVersion, type NameRow, type VersionRow } from "./object-rows.ts";
import { ObjectTagIndex } from "./object-tag-index.ts";
import type { KeyWeightInput } from "../../core/domain/throttle/throttle-limits.ts";

/** What SQLite's json_extract answers for a key version's type and size. */
type KeyWeightRow = { kty: SqlStorageValue; keySize: SqlStorageValue };

/**
 * Rows ⇄ versioned objects for every kind: the one door to `objects`, `object_versions` and their derived tag index
 * (docs/decisions.md §2.2). The SQL lives here and in its object-*.ts helpers (row mapping, filtered name pages, the
 * tag index), which only this class calls; every write keeps the tag index in step, so no caller can forget it.
 */
export class ObjectRepository {
  private readonly tags: ObjectTagIndex;

  constructor(private readonly sql: SqlStorage) {
    this.tags = new ObjectTagIndex(sql);
  }

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
      `SELECT ${VERSION_COLUMNS}, ${NAME_COLUMNS} FROM objects o ` +
      "JOIN object_versions v ON v.kind = o.kind AND v.name_key = o.name_key WHERE o.kind = ? AND o.name_key = ?";
    const rows =
      version === undefined
        ? this.sql.exec<VersionRow & NameRow>(`${query} ORDER BY v.seq DESC LIMIT 1`, kind, key).toArray()
        : this.sql.exec<VersionRow & NameRow>(`${query} AND v.version = ?`, kind, key, version).toArray();
    const row = rows[0];
    return row === undefined ? null : { state: toNameState(row), latest: toVersion(row) };
  }

  /**
   * A key version's type and size (the latest when `version` is undefined), for throttle weights: read by SQLite's
   * json_extract from the stored properties, so the hot path neither carries nor parses the rest (the public key).
   */
  keyWeight(key: string, version: string | undefined): KeyWeightInput | null {
    const columns = "json_extract(props, '$.kty') AS kty, json_extract(props, '$.keySize') AS keySize";
    const rows =
      version === undefined
        ? this.sql.exec<KeyWeightRow>(`SELECT ${columns} FROM object_versions WHERE kind = 'key' AND name_key = ? ORDER BY seq DESC LIMIT 1`, key)
        : this.sql.exec<KeyWeightRow>(`SELECT ${columns} FROM object_versions WHERE kind = 'key' AND name_key = ? AND version = ?`, key, version);
    const row = rows.toArray()[0];
    if (row === undefined) return null;
    // Written only by this code (serializeKeyProperties); a row without a type is a storage fault, not a client error.
    if (typeof row.kty !== "string") throw new Error("key version has no properties");
    const kty = row.kty as KeyWeightInput["kty"];
    return typeof row.keySize === "number" ? { kty, keySize: row.keySize } : { kty };
  }

  /** Every version of every name of a kind, deleted ones included (vault deletion). */
  allVersionsOfKind(kind: ObjectKind): StoredVersion[] {
    return this.sql
      .exec<VersionRow>(`SELECT ${VERSION_COLUMNS} FROM objects o JOIN object_versions v ON v.kind = o.kind AND v.name_key = o.name_key WHERE o.kind = ?`, kind)
      .toArray()
      .map(toVersion);
  }

  /** The latest version of every live (not deleted) name of a kind, by name: what a policy compliance scan evaluates. */
  liveLatestOfKind(kind: ObjectKind): StoredVersion[] {
    return this.sql
      .exec<VersionRow>(`SELECT ${VERSION_COLUMNS} FROM objects o ${LATEST_JOIN} WHERE o.kind = ? AND o.deleted_at IS NULL ORDER BY o.name_key`, kind)
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

  /** The version id numbered `seq` under a name, or null (SecretBundle.previousVersion: one index lookup, no row). */
  versionIdAt(kind: ObjectKind, key: string, seq: number): string | null {
    return this.sql
      .exec<{ version: string }>("SELECT version FROM object_versions WHERE kind = ? AND name_key = ? AND seq = ?", kind, key, seq)
      .toArray()[0]?.version ?? null;
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
   * recover had completed at `nowMs` (a name still in transition is in neither list, as in Azure); with a filter,
   * only the names it selects, from an index (object-name-pages.ts).
   */
  namesPage(kind: ObjectKind, deleted: boolean, afterKey: string, limit: number, nowMs: number, filter?: NameFilter): NamedLatest[] {
    return namesPage(this.sql, { kind, deleted, afterKey, limit, nowMs, filter });
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
    this.tags.refresh(kind, key);
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
    this.tags.refresh(kind, key);
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

  /** Removes every trace of a name, including its tag index rows and a key's rotation policy. */
  purge(kind: ObjectKind, key: string): void {
    this.tags.remove(kind, key);
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
