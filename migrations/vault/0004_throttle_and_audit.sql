-- Throttling: the vault's own limits (JSON of overrides; NULL = Azure's defaults) and one counter per bucket
-- for the current fixed 10-second window (Azure: "maximum transactions allowed in 10 seconds, per vault").
ALTER TABLE vault ADD COLUMN throttle_limits TEXT;
-- Audit records older than this many days are pruned by the alarm.
ALTER TABLE vault ADD COLUMN audit_retention_days INTEGER NOT NULL DEFAULT 90;

CREATE TABLE throttle_windows (
  bucket TEXT PRIMARY KEY,
  window_start INTEGER NOT NULL,
  used INTEGER NOT NULL
);

-- One row per request (data plane, and control-plane changes to this vault). Never values, key material,
-- tokens, plaintext or ciphertext: only who did what to which object, and how it ended.
CREATE TABLE audit_log (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  time_ms INTEGER NOT NULL,
  request_id TEXT NOT NULL,
  tenant_id TEXT NOT NULL,
  vault TEXT NOT NULL,
  caller_object_id TEXT,
  caller_app_id TEXT,
  caller_type TEXT,
  client_ip TEXT,
  operation TEXT NOT NULL,
  object_kind TEXT,
  object_name TEXT,
  object_version TEXT,
  http_status INTEGER NOT NULL,
  result_code TEXT NOT NULL,
  duration_ms INTEGER NOT NULL
);
CREATE INDEX audit_log_by_time ON audit_log (time_ms);
