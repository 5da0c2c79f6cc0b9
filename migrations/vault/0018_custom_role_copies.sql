-- The tenant's custom roles this vault's role assignments use (issue 17, docs/access-control.md "Custom roles"): a
-- copy of each, so a request is decided without asking the tenant. Written with the assignment that first uses it,
-- replaced when the tenant's definition changes, dropped with the last assignment using it.
CREATE TABLE custom_role_copies (
  id TEXT PRIMARY KEY,                -- the role's GUID, lower-cased
  role_name TEXT NOT NULL,
  permissions TEXT NOT NULL,          -- JSON: [{actions, notActions, dataActions, notDataActions}]
  version INTEGER NOT NULL            -- the tenant definition's version this copy is of
);
