-- +goose Up
-- Event retention prunes by age, oldest first; the organization-wide
-- delivery list pages by id, newest first, with no webhook filter.
CREATE INDEX events_fired_at ON events (fired_at);
CREATE INDEX webhook_deliveries_org_id ON webhook_deliveries (org_id, id);

-- +goose Down
DROP INDEX webhook_deliveries_org_id;
DROP INDEX events_fired_at;
