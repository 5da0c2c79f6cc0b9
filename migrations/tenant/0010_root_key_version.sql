-- Root-key rotation (issue 18, docs/root-key-rotation.md): which root key version's KEK seals the tenant's
-- `wrapped_dek`; 1 (ROOT_KEY) for every tenant made before rotation existed.
ALTER TABLE tenant ADD COLUMN dek_root_version INTEGER NOT NULL DEFAULT 1;
