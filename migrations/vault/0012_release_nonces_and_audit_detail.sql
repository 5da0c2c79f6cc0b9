-- Secure key release (docs/key-release.md "Replay"): a nonce the key's policy binds releases a key version once.
-- Spent nonces are kept until the attestation token that carried them expires, so an object that restarts still
-- refuses a replay; `id` is `{lower-cased key name}|{version}|{nonce}`, rows past `expires_ms` are pruned on use.
CREATE TABLE release_nonces (
  id TEXT PRIMARY KEY,
  expires_ms INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX release_nonces_by_expiry ON release_nonces (expires_ms);
-- Why a request failed where the caller must not learn it (Azure's AZKVAuditLogs ResultDescription): which check
-- of a key release refused the attestation. Plain text, never a value, key, token or ciphertext; NULL otherwise.
ALTER TABLE audit_log ADD COLUMN result_description TEXT;
