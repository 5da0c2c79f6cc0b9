-- Vault policies (issue 17, docs/vault-policies.md): Azure Policy-style assignments of built-in Key Vault definitions,
-- this vault's own (`scope` 'vault') and copies of its tenant's (`scope` 'tenant', pushed by the control plane), so a
-- write is checked without calling the tenant object. `name_key` is the lower-cased name; `parameters` JSON.
CREATE TABLE policy_assignments (
  scope TEXT NOT NULL CHECK (scope IN ('tenant', 'vault')),
  name_key TEXT NOT NULL,
  name TEXT NOT NULL,
  definition TEXT NOT NULL,
  display_name TEXT,
  description TEXT,
  effect TEXT NOT NULL,
  parameters TEXT NOT NULL,
  enforcement_mode TEXT NOT NULL,
  created INTEGER NOT NULL,
  PRIMARY KEY (scope, name_key)
) WITHOUT ROWID;
