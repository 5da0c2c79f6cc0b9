-- Tenant Durable Object: the tenant, its principals and its token-signing keys.
CREATE TABLE tenant (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  tenant_id TEXT NOT NULL,
  display_name TEXT NOT NULL,
  created INTEGER NOT NULL,
  -- ciphertext: the tenant's data key under the root-derived KEK, AAD "dek|tenant|{tenant}"
  wrapped_dek BLOB NOT NULL
);

CREATE TABLE principals (
  id TEXT PRIMARY KEY,
  app_id TEXT NOT NULL UNIQUE,
  type TEXT NOT NULL,
  display_name TEXT NOT NULL,
  tenant_admin INTEGER NOT NULL DEFAULT 0,
  -- SHA-256 of the client secret or identity-header secret: high-entropy random values, only ever compared
  credential_hash BLOB NOT NULL,
  created INTEGER NOT NULL
);

CREATE TABLE signing_keys (
  kid TEXT PRIMARY KEY,
  public_jwk TEXT NOT NULL,
  -- ciphertext: the private JWK under the tenant data key, AAD "signing-key|{tenant}|{kid}"
  sealed_private_jwk BLOB NOT NULL,
  created INTEGER NOT NULL
);

CREATE TABLE vaults (
  name TEXT PRIMARY KEY,
  created INTEGER NOT NULL
);
