-- +goose Up
-- The webhook delivery queue. A delivery is one event on its way to one
-- webhook; while an attempt is in flight, next_attempt_at is when its
-- lease lapses, so one index finds both due deliveries and lost leases.
CREATE TABLE webhook_deliveries (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id          INTEGER NOT NULL REFERENCES organizations (id),
    webhook_id      INTEGER NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    event_seq       INTEGER NOT NULL DEFAULT 0, -- 0 for a test
    event_id        TEXT NOT NULL,
    event_type      TEXT NOT NULL,
    resource_key    TEXT NOT NULL DEFAULT '',   -- set for ordered webhooks only
    test            BOOLEAN NOT NULL DEFAULT FALSE,
    payload         BLOB,                       -- a test's body; others are the event's envelope
    status          TEXT NOT NULL,              -- pending | succeeded | failed
    attempts        INTEGER NOT NULL DEFAULT 0,
    retry_from      INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT,
    lease_owner     TEXT NOT NULL DEFAULT '',
    lease_token     TEXT NOT NULL DEFAULT '',
    response_status INTEGER,
    error           TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    completed_at    TEXT
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (webhook_id, next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_org ON webhook_deliveries (org_id, webhook_id, id);
CREATE INDEX webhook_deliveries_resource ON webhook_deliveries (webhook_id, resource_key, event_seq)
    WHERE status = 'pending' AND resource_key <> '';

-- Attempts are append-only.
CREATE TABLE webhook_attempts (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    delivery_id      INTEGER NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    attempt_id       TEXT NOT NULL,
    number           INTEGER NOT NULL,
    started_at       TEXT NOT NULL,
    duration_ms      INTEGER NOT NULL,
    url              TEXT NOT NULL,
    request_headers  TEXT NOT NULL,
    response_status  INTEGER,
    response_headers TEXT NOT NULL,
    response_body    TEXT NOT NULL,
    error            TEXT NOT NULL
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, id);

-- A webhook's current run of failures; no row means healthy.
CREATE TABLE webhook_health (
    webhook_id           INTEGER PRIMARY KEY REFERENCES webhooks (id) ON DELETE CASCADE,
    consecutive_failures INTEGER NOT NULL,
    failing_since        TEXT
);

-- Bumped by every change to a webhook, so the engine knows to reload.
CREATE TABLE webhook_config (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO webhook_config (id, version) VALUES (1, 0);
-- +goose StatementBegin
CREATE TRIGGER webhooks_inserted AFTER INSERT ON webhooks BEGIN
    UPDATE webhook_config SET version = version + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER webhooks_updated AFTER UPDATE ON webhooks BEGIN
    UPDATE webhook_config SET version = version + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER webhooks_deleted AFTER DELETE ON webhooks BEGIN
    UPDATE webhook_config SET version = version + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- The outbox is fanned out in seq order: SQLite's one writer commits in
-- that order, so a cursor is enough. Events before this migration are history.
CREATE TABLE outbox_cursor (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL
);
INSERT INTO outbox_cursor (id, seq) SELECT 1, coalesce(max(seq), 0) FROM events;

-- +goose Down
DROP TABLE outbox_cursor;
DROP TRIGGER webhooks_deleted;
DROP TRIGGER webhooks_updated;
DROP TRIGGER webhooks_inserted;
DROP TABLE webhook_config;
DROP TABLE webhook_health;
DROP TABLE webhook_attempts;
DROP TABLE webhook_deliveries;
