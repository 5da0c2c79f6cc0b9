-- Vault soft delete (issue 17, docs/access-control.md "Vault soft delete"): a deleted vault's name stays reserved
-- in `vault_names`, across all tenants, until it is recovered (columns back to NULL) or purged (row deleted).
-- `deleted_vault` is what the deletedVaults collection shows and what a purge needs to reach the vault's object
-- (JSON: name as created, sku, retention, purge protection, placement); no secret is in it. Unix seconds.
ALTER TABLE vault_names ADD COLUMN deleted_at INTEGER;
ALTER TABLE vault_names ADD COLUMN scheduled_purge_at INTEGER;
ALTER TABLE vault_names ADD COLUMN deleted_vault TEXT;
CREATE INDEX vault_names_by_scheduled_purge ON vault_names (scheduled_purge_at) WHERE scheduled_purge_at IS NOT NULL;
