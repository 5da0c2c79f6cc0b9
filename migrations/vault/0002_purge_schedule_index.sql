-- The purge alarm asks for the earliest scheduled purge; index only soft-deleted names.
CREATE INDEX objects_by_scheduled_purge ON objects (scheduled_purge_at) WHERE scheduled_purge_at IS NOT NULL;
