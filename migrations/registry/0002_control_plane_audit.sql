-- The control plane's audit log: one row per admin API request, across tenants (tenant_id/vault are ''
-- for operator-wide requests). Same columns as the vault's data-plane log (vault/0004). A row is written
-- before the request runs (http_status 0, result_code 'Pending') and completed after, so a request that
-- cannot be recorded does not run, and one interrupted midway stays visible as Pending.
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
