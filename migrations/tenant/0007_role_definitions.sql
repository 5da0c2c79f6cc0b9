-- A tenant's custom role definitions for its vaults (issue 17, docs/access-control.md "Custom roles"), in ARM's shape.
-- The tenant is their source of truth; each vault keeps a copy of the ones its assignments use (vault 0018).
CREATE TABLE role_definitions (
  id TEXT PRIMARY KEY,                -- the role's GUID, lower-cased
  role_name TEXT NOT NULL,
  role_name_key TEXT NOT NULL UNIQUE, -- lower(role_name): names are unique per tenant without regard to case
  description TEXT NOT NULL,
  permissions TEXT NOT NULL,          -- JSON: [{actions, notActions, dataActions, notDataActions}]
  assignable_scopes TEXT NOT NULL,    -- JSON: ["/", "/vaults/{name}", "/vaults/{name}/secrets/{object}", …]
  version INTEGER NOT NULL,           -- 1, then one more per replacement: a vault's copy names the version it holds
  created INTEGER NOT NULL,
  updated INTEGER NOT NULL
);
