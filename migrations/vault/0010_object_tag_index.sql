-- Filters on lists (issue 20, docs/edge-reads.md): the tags of each name's LATEST version, one row per tag, so a list
-- filtered by tag equality walks only the matching names, in name order, whatever the vault's size. Derived from
-- object_versions and kept in step by every write of a version (durable-objects/storage/object-tag-index.ts); a
-- purge removes a name's rows, soft delete and recover keep them. Tag names and values are compared exactly.
CREATE TABLE object_tags (
  kind TEXT NOT NULL,
  name_key TEXT NOT NULL,
  tag TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (kind, name_key, tag),
  FOREIGN KEY (kind, name_key) REFERENCES objects (kind, name_key) ON DELETE CASCADE
);
-- Equality on (kind, tag, value), then name order: a filtered page is a range of this index.
CREATE INDEX object_tags_by_value ON object_tags (kind, tag, value, name_key);

-- Backfill from each name's latest version (highest seq). Tags are stored as a JSON object of strings
-- (ObjectRepository); anything else is skipped rather than failing the migration, which would stop the vault:
-- json_each(NULL) yields no rows, so malformed text never reaches the JSON parser's error.
INSERT OR REPLACE INTO object_tags (kind, name_key, tag, value)
SELECT v.kind, v.name_key, j.key, j.value
FROM object_versions v, json_each(CASE WHEN json_valid(v.tags) AND json_type(v.tags) = 'object' THEN v.tags END) j
WHERE j.type = 'text'
  AND v.seq = (SELECT MAX(seq) FROM object_versions WHERE kind = v.kind AND name_key = v.name_key);
