-- +goose Up
-- Due deliveries of every webhook, oldest first: a sweep reads which
-- webhooks have work without visiting every webhook.
CREATE INDEX webhook_deliveries_due_time ON webhook_deliveries (next_attempt_at, webhook_id) WHERE status = 'pending';

-- +goose Down
DROP INDEX webhook_deliveries_due_time;
