-- Premium vaults may protect their data key with an AES key held in the HSM as well as with the root key
-- (issue 5): the data key is AES-KW-wrapped by the token key, and that is sealed under the root-derived KEK.
-- NULL: root key only. Otherwise the token object's CKA_ID (not secret; a wrong one only fails the unwrap).
ALTER TABLE vault ADD COLUMN dek_hsm_key_id TEXT;
