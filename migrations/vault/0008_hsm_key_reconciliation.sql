-- Key-making bridge calls whose outcome is unknown (the bridge may have made the key after the vault stopped
-- waiting). The alarm replays each with its idempotency key, which answers the key the first call made, or makes
-- it now, and destroys it; so a failed create leaves no key on the token either (issue 5).
CREATE TABLE hsm_pending_keys (
  idempotency_key TEXT PRIMARY KEY,
  -- "generate" | "import" | "importByok"
  endpoint TEXT NOT NULL,
  -- ciphertext: the bridge request as JSON (an import's holds key material) under the vault data key,
  -- AAD "hsm-pending|{tenant}|{vault}|{idempotency key}"
  sealed_request BLOB NOT NULL,
  created INTEGER NOT NULL,
  attempts INTEGER NOT NULL,
  next_attempt_at INTEGER NOT NULL
);
CREATE INDEX hsm_pending_keys_due ON hsm_pending_keys (next_attempt_at);
