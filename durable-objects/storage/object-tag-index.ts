import type { ObjectKind } from "../../core/domain/objects/versioned-object.ts";

/**
 * `object_tags` (0010): the tags of each name's latest version, one row per tag, indexed by (kind, tag, value,
 * name_key) so a tag-filtered list walks only the matching names, in name order (object-name-pages.ts).
 *
 * The index is derived, never written from outside ObjectRepository: every write of a version (a new one, a restore,
 * a metadata update) re-derives the name's rows from its latest version in the same transaction, and a purge removes
 * them. Soft delete and recover leave them, so the deleted lists filter by tag too.
 */
export class ObjectTagIndex {
  constructor(private readonly sql: SqlStorage) {}

  /**
   * Replaces a name's rows with the string-valued tags of its latest version (highest seq). Deriving them in SQL
   * from the stored row, rather than from the caller's version, makes the index right whichever version was written:
   * a restore writes every version, an update may touch an older one. At most 15 tags (Azure's limit), so it is cheap.
   */
  refresh(kind: ObjectKind, key: string): void {
    this.remove(kind, key);
    this.sql.exec(
      "INSERT OR REPLACE INTO object_tags (kind, name_key, tag, value) SELECT v.kind, v.name_key, j.key, j.value " +
        "FROM object_versions v, json_each(CASE WHEN json_valid(v.tags) AND json_type(v.tags) = 'object' THEN v.tags END) j " +
        "WHERE v.kind = ? AND v.name_key = ? AND j.type = 'text' AND v.seq = (SELECT MAX(seq) FROM object_versions WHERE kind = v.kind AND name_key = v.name_key)",
      kind,
      key,
    );
  }

  remove(kind: ObjectKind, key: string): void {
    this.sql.exec("DELETE FROM object_tags WHERE kind = ? AND name_key = ?", kind, key);
  }
}
