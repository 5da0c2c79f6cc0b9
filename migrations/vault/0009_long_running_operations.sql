-- Azure's delete and recover are long-running: the deleted (or recovered) object shows in its new collection only
-- once the operation is done, and the SDKs' pollers wait for that (issue 14). `settles_at` (Unix milliseconds) is
-- when the name's current state (deleted, or live again) becomes visible; NULL or past: it is.
ALTER TABLE objects ADD COLUMN settles_at INTEGER;
-- "azure": delete, recover and certificate creation complete shortly after the call (docs/long-running-operations.md);
-- "immediate": at once, for test loops that prefer speed.
ALTER TABLE vault ADD COLUMN long_running_operations TEXT NOT NULL DEFAULT 'azure';
