-- +goose Up
-- The webhook delivery queue. A delivery is one event on its way to one
-- webhook; while an attempt is in flight, next_attempt_at is when its
-- lease lapses, so one index finds both due deliveries and lost leases.
CREATE TABLE webhook_deliveries (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id          BIGINT NOT NULL REFERENCES organizations (id),
    webhook_id      BIGINT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    event_seq       BIGINT NOT NULL DEFAULT 0, -- 0 for a test
    event_id        TEXT NOT NULL,
    event_type      TEXT NOT NULL,
    resource_key    TEXT NOT NULL DEFAULT '',  -- set for ordered webhooks only
    test            BOOLEAN NOT NULL DEFAULT FALSE,
    payload         BYTEA,                     -- a test's body; others are the event's envelope
    status          TEXT NOT NULL,             -- pending | succeeded | failed
    attempts        INTEGER NOT NULL DEFAULT 0,
    retry_from      INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ,
    lease_owner     TEXT NOT NULL DEFAULT '',
    lease_token     TEXT NOT NULL DEFAULT '',
    response_status INTEGER,
    error           TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    completed_at    TIMESTAMPTZ
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (webhook_id, next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_org ON webhook_deliveries (org_id, webhook_id, id);
CREATE INDEX webhook_deliveries_resource ON webhook_deliveries (webhook_id, resource_key, event_seq)
    WHERE status = 'pending' AND resource_key <> '';

-- Attempts are append-only.
CREATE TABLE webhook_attempts (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    delivery_id      BIGINT NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    attempt_id       TEXT NOT NULL,
    number           INTEGER NOT NULL,
    started_at       TIMESTAMPTZ NOT NULL,
    duration_ms      BIGINT NOT NULL,
    url              TEXT NOT NULL,
    request_headers  TEXT NOT NULL,
    response_status  INTEGER,
    response_headers TEXT NOT NULL,
    response_body    TEXT NOT NULL,
    error            TEXT NOT NULL
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, id);

-- A webhook's current run of failures; a row of zeros means healthy.
CREATE TABLE webhook_health (
    webhook_id           BIGINT PRIMARY KEY REFERENCES webhooks (id) ON DELETE CASCADE,
    consecutive_failures INTEGER NOT NULL,
    failing_since        TIMESTAMPTZ
);

-- Bumped by every change to a webhook, so every node knows to reload.
CREATE TABLE webhook_config (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO webhook_config (id, version) VALUES (1, 0);
-- +goose StatementBegin
CREATE FUNCTION porter_webhooks_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE webhook_config SET version = version + 1 WHERE id = 1;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER webhooks_changed AFTER INSERT OR UPDATE OR DELETE ON webhooks
    FOR EACH STATEMENT EXECUTE FUNCTION porter_webhooks_changed();

-- Events waiting to be fanned out. Transactions commit out of seq order
-- here, so a cursor over events could skip one that commits late; a row
-- per event, written in the event's own transaction, cannot be missed.
CREATE TABLE outbox_pending (
    seq BIGINT PRIMARY KEY REFERENCES events (seq) ON DELETE CASCADE
);
-- +goose StatementBegin
CREATE FUNCTION porter_event_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO outbox_pending (seq) VALUES (NEW.seq);
    RETURN NULL;
END $$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE FUNCTION porter_events_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('porter_queue', 'e');
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER events_outbox AFTER INSERT ON events
    FOR EACH ROW EXECUTE FUNCTION porter_event_inserted();
CREATE TRIGGER events_notify AFTER INSERT ON events
    FOR EACH STATEMENT EXECUTE FUNCTION porter_events_inserted();

-- +goose Down
DROP TRIGGER events_notify ON events;
DROP TRIGGER events_outbox ON events;
DROP FUNCTION porter_events_inserted();
DROP FUNCTION porter_event_inserted();
DROP TABLE outbox_pending;
DROP TRIGGER webhooks_changed ON webhooks;
DROP FUNCTION porter_webhooks_changed();
DROP TABLE webhook_config;
DROP TABLE webhook_health;
DROP TABLE webhook_attempts;
DROP TABLE webhook_deliveries;
