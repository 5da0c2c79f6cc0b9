-- Human sign-in (issue 19, docs/sign-in.md). A user is a row of `principals` (type 'user'; its `credential_hash` is
-- empty: a user has no client secret) with its directory facts here. `password_hash` is PBKDF2-SHA-256 of the
-- password under `password_salt` with `password_iterations` rounds: only ever compared, never the password itself.
-- `failed_sign_ins` counts consecutive failures; `locked_until` (Unix s, 0 = not locked) is the lockout's end.
CREATE TABLE users (
  principal_id TEXT PRIMARY KEY,
  user_principal_name TEXT NOT NULL UNIQUE,
  enabled INTEGER NOT NULL DEFAULT 1,
  password_hash BLOB NOT NULL,
  password_salt BLOB NOT NULL,
  password_iterations INTEGER NOT NULL,
  failed_sign_ins INTEGER NOT NULL DEFAULT 0,
  locked_until INTEGER NOT NULL DEFAULT 0
);

-- Authorization codes (RFC 6749 §4.1): SHA-256 of the code, one use, short-lived, bound to the client, the redirect
-- URI and the PKCE challenge (RFC 7636). `redeemed_family` is the refresh-token family the code was exchanged for:
-- a second redemption revokes it (RFC 6749 §4.1.2).
CREATE TABLE authorization_codes (
  code_hash BLOB PRIMARY KEY,
  principal_id TEXT NOT NULL,
  client_id TEXT NOT NULL,
  redirect_uri TEXT NOT NULL,
  code_challenge TEXT NOT NULL,
  scope TEXT NOT NULL,
  nonce TEXT NOT NULL,
  expires INTEGER NOT NULL,
  redeemed INTEGER NOT NULL DEFAULT 0,
  redeemed_family TEXT
);

-- Refresh tokens (RFC 6749 §6; rotation per the OAuth 2.0 Security BCP, RFC 9700 §4.14): SHA-256 of the token. Each
-- use rotates (`rotated` = 1) and issues the next of the same `family_id`; presenting a rotated one revokes the family.
-- `session_id` groups the families of one browser sign-in, for sign-out.
CREATE TABLE refresh_tokens (
  token_hash BLOB PRIMARY KEY,
  family_id TEXT NOT NULL,
  principal_id TEXT NOT NULL,
  client_id TEXT NOT NULL,
  scope TEXT NOT NULL,
  created INTEGER NOT NULL,
  expires INTEGER NOT NULL,
  rotated INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX refresh_tokens_by_family ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_by_principal ON refresh_tokens (principal_id);

-- Device authorization (RFC 8628): SHA-256 of the device code, the user code people type, what was asked, and its
-- `status` ('pending', then 'approved' by `principal_id` on the verification page, or 'denied'). `last_poll` (Unix ms)
-- enforces the polling interval (slow_down). The registry's key-value storage points each live user code at its tenant.
CREATE TABLE device_codes (
  device_code_hash BLOB PRIMARY KEY,
  user_code TEXT NOT NULL UNIQUE,
  client_id TEXT NOT NULL,
  scope TEXT NOT NULL,
  expires INTEGER NOT NULL,
  last_poll INTEGER NOT NULL DEFAULT 0,
  status TEXT NOT NULL DEFAULT 'pending',
  principal_id TEXT
);
