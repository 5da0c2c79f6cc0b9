-- The access-policy permission model (issue 17, docs/access-control.md "Access policies"): with
-- `enable_rbac_authorization` 0 the vault authorizes by `access_policies` (JSON, Azure's accessPolicies entries)
-- instead of role assignments. RBAC by default, as Azure's 2026 control plane makes vaults.
ALTER TABLE vault ADD COLUMN enable_rbac_authorization INTEGER NOT NULL DEFAULT 1;
ALTER TABLE vault ADD COLUMN access_policies TEXT;
