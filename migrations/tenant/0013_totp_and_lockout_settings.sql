-- Human sign-in, second part (issue 19, docs/sign-in.md). A user's TOTP secret (RFC 6238), sealed under the tenant
-- data key with AAD "totp|{tenant}|{user}", NULL when not enrolled; `totp_last_step` is the last time step a code was
-- accepted for, so each code is used once. `sign_in_settings` holds the tenant's lockout policy when it is not the
-- default (5 consecutive failures, 15 minutes).
ALTER TABLE users ADD COLUMN sealed_totp_secret BLOB;
ALTER TABLE users ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0;
CREATE TABLE sign_in_settings (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  lockout_threshold INTEGER NOT NULL,
  lockout_minutes INTEGER NOT NULL
);
