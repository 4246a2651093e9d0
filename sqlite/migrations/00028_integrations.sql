-- +goose Up
-- Integrations (issue 11): inbound connectors. The receiver URL carries a
-- random token found by its SHA-256; the signing secret and any outbound
-- credentials are sealed with the service's secret box. The mapping is a
-- JSON document validated by the service.
CREATE TABLE integrations (
    id                      INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id                  INTEGER NOT NULL REFERENCES organizations (id),
    name                    TEXT NOT NULL,
    type                    TEXT NOT NULL,
    endpoint_url            TEXT NOT NULL DEFAULT '',
    credential_type         TEXT NOT NULL,
    credentials_sealed      BLOB,
    secret_sealed           BLOB NOT NULL,
    token_hash              BLOB NOT NULL,
    sync_mode               TEXT NOT NULL,
    sync_interval_seconds   INTEGER NOT NULL DEFAULT 0,
    enabled                 BOOLEAN NOT NULL DEFAULT TRUE,
    status                  TEXT NOT NULL,
    mapping                 TEXT NOT NULL,
    open_errors             INTEGER NOT NULL DEFAULT 0,
    rejected_count          INTEGER NOT NULL DEFAULT 0,
    last_error              TEXT NOT NULL DEFAULT '',
    last_error_at           TEXT,
    last_success_at         TEXT,
    first_sync_completed_at TEXT,
    created_at              TEXT NOT NULL,
    updated_at              TEXT NOT NULL
);
CREATE INDEX integrations_org ON integrations (org_id, id);
CREATE UNIQUE INDEX integrations_token ON integrations (token_hash);

-- A source record (integration, entity, source id) is linked to the
-- Porter record it became, so that it is updated, never duplicated.
CREATE TABLE integration_links (
    org_id         INTEGER NOT NULL REFERENCES organizations (id),
    integration_id INTEGER NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
    entity         TEXT NOT NULL,
    source_id      TEXT NOT NULL,
    target_type    TEXT NOT NULL,
    target_id      INTEGER NOT NULL,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    PRIMARY KEY (org_id, integration_id, entity, source_id)
);

-- One row per record received (or call rejected). superseded_by is the
-- later row that applied the same source record: an error it supersedes
-- is no longer open and is not replayed.
CREATE TABLE integration_log (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id         INTEGER NOT NULL REFERENCES organizations (id),
    integration_id INTEGER NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
    received_at    TEXT NOT NULL,
    entity         TEXT NOT NULL DEFAULT '',
    source_id      TEXT NOT NULL DEFAULT '',
    target_type    TEXT NOT NULL DEFAULT '',
    target_id      INTEGER,
    status         TEXT NOT NULL,
    error          TEXT NOT NULL DEFAULT '',
    raw            TEXT NOT NULL DEFAULT '',
    truncated      BOOLEAN NOT NULL DEFAULT FALSE,
    attempts       INTEGER NOT NULL DEFAULT 1,
    superseded_by  INTEGER,
    updated_at     TEXT NOT NULL
);
CREATE INDEX integration_log_list ON integration_log (org_id, integration_id, id);
CREATE INDEX integration_log_open ON integration_log (org_id, integration_id, status, entity, source_id);
CREATE INDEX integration_log_received ON integration_log (received_at);

-- +goose Down
DROP TABLE integration_log;
DROP TABLE integration_links;
DROP TABLE integrations;
