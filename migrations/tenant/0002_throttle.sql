-- Tenant-wide throttling (Azure: a subscription-wide limit of 5× the per-vault limit). Limits are a JSON of
-- overrides (NULL = defaults); vaults lease capacity per bucket and window, counted here.
ALTER TABLE tenant ADD COLUMN throttle_limits TEXT;

CREATE TABLE throttle_windows (
  bucket TEXT PRIMARY KEY,
  window_start INTEGER NOT NULL,
  granted INTEGER NOT NULL
);
