-- +goose Up
-- The nodes running a delivery engine. Each keeps its row fresh while it
-- lives; when one dies (kill -9, a lost host) another gives back what it
-- had leased within seconds, instead of when its leases lapse.
CREATE TABLE nodes (
    name         TEXT PRIMARY KEY, -- the lease owner
    host         TEXT NOT NULL,
    pid          INTEGER NOT NULL,
    started_at   TIMESTAMPTZ NOT NULL, -- tells a restarted node's incarnations apart
    heartbeat_at TIMESTAMPTZ NOT NULL
);
-- A dead node's leases, found without reading every pending delivery.
CREATE INDEX webhook_deliveries_lease_owner ON webhook_deliveries (lease_owner)
    WHERE status = 'pending' AND lease_token <> '';

-- +goose Down
DROP INDEX webhook_deliveries_lease_owner;
DROP TABLE nodes;
