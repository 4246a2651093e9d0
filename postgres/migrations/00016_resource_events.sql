-- +goose Up
-- A record's page in the console lists that record's recent events.
CREATE INDEX events_resource ON events (org_id, resource_type, resource_id, seq);

-- +goose Down
DROP INDEX events_resource;
