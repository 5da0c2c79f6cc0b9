-- Keys: per-version properties (key type, size/curve, key_ops, public JWK, exportable) as JSON.
-- Public information only; private key material stays in sealed_value.
ALTER TABLE object_versions ADD COLUMN props TEXT;

-- One rotation policy per key name; next_rotation_at (Unix seconds) is what the alarm looks for.
CREATE TABLE key_rotation_policies (
  name_key TEXT PRIMARY KEY,
  policy TEXT NOT NULL,
  created INTEGER NOT NULL,
  updated INTEGER NOT NULL,
  next_rotation_at INTEGER
);
CREATE INDEX key_rotation_policies_by_next ON key_rotation_policies (next_rotation_at) WHERE next_rotation_at IS NOT NULL;
