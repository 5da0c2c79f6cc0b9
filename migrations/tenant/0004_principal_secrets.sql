-- A service principal's further client secrets (issue 17, docs/access-control.md "Client secrets"): each valid until
-- `expires` (Unix seconds), so a secret can be rotated with two valid at once. `credential_hash` is SHA-256 of the
-- 256-bit secret, compared in constant time; `hint` its first three characters, as Entra shows. The principal's
-- first secret stays in `principals`; `primary_retired` 1 once it was removed.
CREATE TABLE principal_secrets (
  id TEXT PRIMARY KEY,
  principal_id TEXT NOT NULL,
  credential_hash BLOB NOT NULL,
  hint TEXT NOT NULL,
  display_name TEXT NOT NULL,
  expires INTEGER NOT NULL,
  created INTEGER NOT NULL
);
CREATE INDEX principal_secrets_by_principal ON principal_secrets (principal_id);
ALTER TABLE principals ADD COLUMN primary_retired INTEGER NOT NULL DEFAULT 0;
