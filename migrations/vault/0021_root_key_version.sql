-- Root-key rotation (issue 18, docs/root-key-rotation.md): which root key version's KEK seals `wrapped_dek`. Every
-- data key made before rotation existed is under ROOT_KEY, version 1. The rotation sweep re-wraps the data key to the
-- newest version and updates this in the same statement.
ALTER TABLE vault ADD COLUMN dek_root_version INTEGER NOT NULL DEFAULT 1;
