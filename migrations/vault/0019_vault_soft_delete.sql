-- Vault soft delete (issue 17, docs/access-control.md "Vault soft delete"): a deleted vault keeps every row and
-- answers as a vault that does not exist until it is recovered (both columns back to NULL) or purged (the object's
-- storage wiped, as a deletion did before). Unix seconds; `scheduled_purge_at` = `deleted_at` + the vault's
-- soft-delete retention, when the registry's alarm purges it.
ALTER TABLE vault ADD COLUMN deleted_at INTEGER;
ALTER TABLE vault ADD COLUMN scheduled_purge_at INTEGER;
