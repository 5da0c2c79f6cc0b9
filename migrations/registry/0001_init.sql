-- Registry Durable Object (a singleton): tenants and globally unique vault names.
CREATE TABLE tenants (
  id TEXT PRIMARY KEY,
  display_name TEXT NOT NULL,
  created INTEGER NOT NULL
);

CREATE TABLE vault_names (
  name_key TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL,
  created INTEGER NOT NULL
);

CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
