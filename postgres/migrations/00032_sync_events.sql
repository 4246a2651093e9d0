-- +goose Up
-- Issue 11 (seed 001's per-model sync events): an event remembers the
-- integration whose import recorded it, and whether that integration's
-- first full sync was still running then (DATA_NEW stays silent for those).
-- Neither column rewrites the table: a NULL and a constant default are
-- metadata-only.
ALTER TABLE events ADD COLUMN integration_id BIGINT;
ALTER TABLE events ADD COLUMN first_sync BOOLEAN NOT NULL DEFAULT false;
-- Records an integration applied before its first sync completed: its
-- progress as the integration's read shows it.
ALTER TABLE integrations ADD COLUMN first_sync_records BIGINT NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE integrations DROP COLUMN first_sync_records;
ALTER TABLE events DROP COLUMN first_sync;
ALTER TABLE events DROP COLUMN integration_id;
