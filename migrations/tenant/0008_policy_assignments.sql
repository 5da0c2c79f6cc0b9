-- Tenant-wide vault policies (issue 17, docs/vault-policies.md): assignments that apply to every vault of the
-- tenant. The tenant keeps the originals; each vault holds a copy (vault migration 0020), pushed when one is set
-- or removed and when a vault is made.
CREATE TABLE policy_assignments (
  name_key TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  definition TEXT NOT NULL,
  display_name TEXT,
  description TEXT,
  effect TEXT NOT NULL,
  parameters TEXT NOT NULL,
  enforcement_mode TEXT NOT NULL,
  created INTEGER NOT NULL
);
