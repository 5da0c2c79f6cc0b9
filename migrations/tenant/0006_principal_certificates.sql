-- Certificate client credentials (issue 17, docs/access-control.md "Certificate credentials"): a service principal's
-- X.509 certificates, as Entra's keyCredentials of type AsymmetricX509Cert with usage Verify. Only public facts:
-- the thumbprints a client assertion names in its header (`x5t` = SHA-1, `x5t#S256` = SHA-256 of the DER, base64url),
-- the public key as a JWK, the validity period (Unix seconds) and the DER itself for reading back. No private key is
-- ever sent or stored.
CREATE TABLE principal_certificates (
  principal_id TEXT NOT NULL,
  key_id TEXT NOT NULL,
  display_name TEXT NOT NULL,
  thumbprint_sha1 TEXT NOT NULL,
  thumbprint_sha256 TEXT NOT NULL,
  public_jwk TEXT NOT NULL,
  subject TEXT NOT NULL,
  not_before INTEGER NOT NULL,
  not_after INTEGER NOT NULL,
  der BLOB NOT NULL,
  created INTEGER NOT NULL,
  PRIMARY KEY (principal_id, key_id),
  UNIQUE (principal_id, thumbprint_sha256)
);
