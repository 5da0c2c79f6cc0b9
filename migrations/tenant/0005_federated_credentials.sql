-- Workload identity federation (issue 17, docs/access-control.md "Workload identity federation"): a principal's
-- federated identity credentials in Microsoft Graph's shape. `name` is the Graph alternate key (unique per
-- principal); issuer + subject are unique per principal too, as Graph requires; `audience` is Graph's
-- single-entry `audiences`. Nothing here is secret: a credential names whom to believe, it proves nothing itself.
CREATE TABLE federated_credentials (
  principal_id TEXT NOT NULL,
  name TEXT NOT NULL,
  id TEXT NOT NULL,
  issuer TEXT NOT NULL,
  subject TEXT NOT NULL,
  audience TEXT NOT NULL,
  description TEXT NOT NULL,
  created INTEGER NOT NULL,
  PRIMARY KEY (principal_id, name),
  UNIQUE (principal_id, issuer, subject)
);
-- Client assertions already exchanged (the replay window): `replay_key` is SHA-256 (hex) of the assertion's issuer
-- and jti (of the whole assertion when it has no jti); kept until the assertion's own `exp` plus the clock skew,
-- then pruned on the next exchange.
CREATE TABLE used_assertions (
  replay_key TEXT PRIMARY KEY,
  expires INTEGER NOT NULL
);
CREATE INDEX used_assertions_by_expiry ON used_assertions (expires);
