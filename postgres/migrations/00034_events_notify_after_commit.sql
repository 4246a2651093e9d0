-- +goose Up
-- Committed events are announced after the commit, by the application
-- (postgres/notify.go): a NOTIFY inside each writing transaction
-- serialized their commits, fsync included.
DROP TRIGGER events_notify ON events;
DROP FUNCTION porter_events_inserted();

-- +goose Down
-- +goose StatementBegin
CREATE FUNCTION porter_events_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('porter_queue', 'e');
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER events_notify AFTER INSERT ON events
    FOR EACH STATEMENT EXECUTE FUNCTION porter_events_inserted();
