-- +goose Up
-- Retention prunes events and audit entries oldest first by their id,
-- which follows their time (both are stamped with the time of the write
-- that inserts them), so the indexes on the time alone served nothing but
-- the pruner, and every API write paid to keep both up to date.
DROP INDEX events_fired_at;
DROP INDEX audit_log_created;

-- +goose Down
CREATE INDEX audit_log_created ON audit_log (created_at);
CREATE INDEX events_fired_at ON events (fired_at);
