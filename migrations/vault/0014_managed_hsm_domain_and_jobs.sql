-- A managed HSM's security domain and its full backup and restore jobs (issue 15, docs/managed-hsm.md).
-- `hsm_activated_at`: Unix ms from which the HSM serves requests other than the security domain's (NULL: never
-- activated; a download or upload activates it). Managed HSMs made before this migration are active already.
ALTER TABLE vault ADD COLUMN hsm_activated_at INTEGER;
UPDATE vault SET hsm_activated_at = 0 WHERE sku = 'managedHSM';
-- ciphertext: the HSM's domain secrets (JSON {tag: base64url}) under the vault data key, AAD
-- "hsm-domain|{tenant}|{vault}"; made on first use, replaced by a security domain upload.
ALTER TABLE vault ADD COLUMN sealed_hsm_domain BLOB;
-- ciphertext: the upload transfer key (private JWK) under the vault data key, AAD "hsm-transfer-key|{tenant}|{vault}".
ALTER TABLE vault ADD COLUMN sealed_transfer_key BLOB;
-- The last security-domain operation: JSON {kind: "download"|"upload", settlesAt, failed?} (no secret in it).
ALTER TABLE vault ADD COLUMN hsm_domain_operation TEXT;

-- Full backup, full restore and selective key restore jobs (backuprestore.json), run by the alarm.
CREATE TABLE hsm_jobs (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,               -- backup | restore | keyRestore | prebackup | prerestore
  status TEXT NOT NULL,             -- InProgress | Succeeded | Failed
  status_details TEXT,
  error_code TEXT,
  error_message TEXT,
  start_time INTEGER NOT NULL,      -- Unix seconds, as the wire has it
  end_time INTEGER,
  storage_uri TEXT NOT NULL,        -- the container URI (never a SAS token)
  folder TEXT NOT NULL,             -- the backup's folder in that container
  key_name TEXT,                    -- keyRestore only
  due_at INTEGER                    -- Unix ms the alarm runs it; NULL once it ended
);
CREATE INDEX hsm_jobs_due ON hsm_jobs (due_at) WHERE due_at IS NOT NULL;
