-- Vault Durable Object, initial schema. One row in `vault`; objects are versioned per kind.
CREATE TABLE vault (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  name TEXT NOT NULL,
  tenant_id TEXT NOT NULL,
  retention_days INTEGER NOT NULL,
  purge_protection INTEGER NOT NULL,
  sku TEXT NOT NULL,
  created INTEGER NOT NULL,
  -- ciphertext: the vault's data key, AES-256-GCM under the root-derived KEK, AAD "dek|vault|{tenant}|{vault}"
  wrapped_dek BLOB NOT NULL
);

CREATE TABLE role_assignments (
  id TEXT PRIMARY KEY,
  principal_id TEXT NOT NULL,
  role_definition_id TEXT NOT NULL,
  scope TEXT NOT NULL,
  created INTEGER NOT NULL
);
CREATE INDEX role_assignments_by_principal ON role_assignments (principal_id);

-- One row per named object; soft delete marks the name, keeping every version.
CREATE TABLE objects (
  kind TEXT NOT NULL,
  name_key TEXT NOT NULL,
  name TEXT NOT NULL,
  deleted_at INTEGER,
  scheduled_purge_at INTEGER,
  PRIMARY KEY (kind, name_key)
);

CREATE TABLE object_versions (
  kind TEXT NOT NULL,
  name_key TEXT NOT NULL,
  version TEXT NOT NULL,
  seq INTEGER NOT NULL,
  enabled INTEGER NOT NULL,
  nbf INTEGER,
  exp INTEGER,
  created INTEGER NOT NULL,
  updated INTEGER NOT NULL,
  content_type TEXT,
  tags TEXT,
  managed INTEGER NOT NULL DEFAULT 0,
  -- ciphertext: the value, AES-256-GCM under the vault data key, AAD "v1|{tenant}|{vault}|{kind}|{name_key}|{version}"
  sealed_value BLOB NOT NULL,
  PRIMARY KEY (kind, name_key, version),
  FOREIGN KEY (kind, name_key) REFERENCES objects (kind, name_key) ON DELETE CASCADE
);
CREATE INDEX object_versions_by_seq ON object_versions (kind, name_key, seq);
