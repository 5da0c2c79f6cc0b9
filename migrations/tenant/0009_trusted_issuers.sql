-- Trusted external issuers (issue 17, docs/access-control.md "Trusted external issuers"): an Entra-style issuer whose
-- access tokens for this tenant's vaults are accepted, by name. `issuer` is compared exactly with a token's `iss`;
-- `external_tenant_id` is the `tid` its tokens must carry ('' = not checked). The mapped object ids are in
-- `trusted_issuer_objects`: an oid is mapped by at most one issuer of the tenant (its primary key), so one external
-- identity is one principal of the tenant. Nothing here is secret.
CREATE TABLE trusted_issuers (
  name TEXT PRIMARY KEY,
  issuer TEXT NOT NULL UNIQUE,
  external_tenant_id TEXT NOT NULL,
  created INTEGER NOT NULL,
  updated INTEGER NOT NULL
);
CREATE TABLE trusted_issuer_objects (
  object_id TEXT PRIMARY KEY,
  issuer_name TEXT NOT NULL
);
CREATE INDEX trusted_issuer_objects_by_issuer ON trusted_issuer_objects (issuer_name);
