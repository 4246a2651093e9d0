-- +goose Up
-- Webhook subscriptions. Secrets are sealed (AES-256-GCM, porter.SecretBox):
-- the previous one keeps signing until previous_secret_expires_at after a
-- rotation. An empty secret means unsigned deliveries (a REST hook
-- subscribed without one).
CREATE TABLE webhooks (
    id                         INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id                     INTEGER NOT NULL REFERENCES organizations (id),
    url                        TEXT NOT NULL,
    events                     TEXT NOT NULL,
    description                TEXT NOT NULL DEFAULT '',
    retry_schedule             TEXT NOT NULL,
    timeout_seconds            INTEGER NOT NULL,
    headers                    TEXT NOT NULL DEFAULT '{}',
    ordered                    BOOLEAN NOT NULL DEFAULT FALSE,
    enabled                    BOOLEAN NOT NULL DEFAULT TRUE,
    disabled_reason            TEXT NOT NULL DEFAULT '',
    source                     TEXT NOT NULL,
    secret                     BLOB NOT NULL,
    previous_secret            BLOB NOT NULL,
    previous_secret_expires_at TEXT,
    secret_rotated_at          TEXT,
    created_at                 TEXT NOT NULL,
    updated_at                 TEXT NOT NULL
);
CREATE INDEX webhooks_org ON webhooks (org_id, id);

-- +goose Down
DROP TABLE webhooks;
