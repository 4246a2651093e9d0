-- +goose Up
-- Each webhook's circuit breaker, kept with its health so that every node
-- sees it. closed: deliveries go out. open: they wait as pending until
-- circuit_probe_at, holding no worker. half_open: one probe is in flight
-- (attempt circuit_probe_token), the rest wait until circuit_probe_at, when
-- the probe's lease lapses.
ALTER TABLE webhook_health ADD COLUMN circuit_state TEXT NOT NULL DEFAULT 'closed';
ALTER TABLE webhook_health ADD COLUMN circuit_failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE webhook_health ADD COLUMN circuit_opens INTEGER NOT NULL DEFAULT 0;
ALTER TABLE webhook_health ADD COLUMN circuit_opened_at TIMESTAMPTZ;
ALTER TABLE webhook_health ADD COLUMN circuit_probe_at TIMESTAMPTZ;
ALTER TABLE webhook_health ADD COLUMN circuit_probe_token TEXT NOT NULL DEFAULT '';
CREATE INDEX webhook_health_circuit ON webhook_health (webhook_id) WHERE circuit_state <> 'closed';

-- +goose Down
DROP INDEX webhook_health_circuit;
ALTER TABLE webhook_health DROP COLUMN circuit_probe_token;
ALTER TABLE webhook_health DROP COLUMN circuit_probe_at;
ALTER TABLE webhook_health DROP COLUMN circuit_opened_at;
ALTER TABLE webhook_health DROP COLUMN circuit_opens;
ALTER TABLE webhook_health DROP COLUMN circuit_failures;
ALTER TABLE webhook_health DROP COLUMN circuit_state;
