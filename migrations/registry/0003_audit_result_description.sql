-- The audit log's ResultDescription (vault/0012_release_nonces_and_audit_detail.sql): the registry keeps the same
-- record shape, so one repository serves both logs; control-plane requests leave it NULL.
ALTER TABLE audit_log ADD COLUMN result_description TEXT;
