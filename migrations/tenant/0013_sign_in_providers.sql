-- Federated sign-in for people (issue 19, docs/sign-in.md "External identity providers"). `sign_in_providers`: an
-- external OpenID Connect provider where the tenant registered this deployment as a client; its client secret is
-- sealed under the tenant data key with AAD "sign-in-provider-secret|{tenant}|{name}" and never returned.
-- `external_identities`: an external identity (issuer + sub, OIDC Core §2: unique together) linked to one local
-- user. `spent_sign_in_states`: the id of each sealed state a callback has presented, until it would have expired
-- anyway, so a state is used once.
CREATE TABLE sign_in_providers (
  name TEXT PRIMARY KEY,
  display_name TEXT NOT NULL,
  issuer TEXT NOT NULL UNIQUE,
  client_id TEXT NOT NULL,
  sealed_client_secret BLOB NOT NULL,
  client_auth TEXT NOT NULL,
  scopes TEXT NOT NULL,
  link_by_verified_email INTEGER NOT NULL DEFAULT 0,
  created INTEGER NOT NULL,
  updated INTEGER NOT NULL
);
CREATE TABLE external_identities (
  id TEXT PRIMARY KEY,
  issuer TEXT NOT NULL,
  subject TEXT NOT NULL,
  user_id TEXT NOT NULL,
  created INTEGER NOT NULL,
  UNIQUE (issuer, subject)
);
CREATE INDEX external_identities_by_user ON external_identities (user_id);
CREATE TABLE spent_sign_in_states (
  state_id TEXT PRIMARY KEY,
  expires INTEGER NOT NULL
);
