-- +goose Up
-- The scheduled REST poll (issue 11): an integration with sync_mode
-- scheduled is polled at poll_url. Each HTTP call Porter makes for an
-- integration is a log row with its HTTP status and duration. The poll's
-- state lives in its own row, created on first claim: lease_until lets one
-- node at a time poll an integration; watermark is what the last complete
-- cycle returned (sent as since=), resume_cursor the page a cycle resumes at.
ALTER TABLE integrations ADD COLUMN poll_url TEXT NOT NULL DEFAULT '';
ALTER TABLE integration_log ADD COLUMN http_status INTEGER;
ALTER TABLE integration_log ADD COLUMN duration_ms INTEGER;
CREATE TABLE integration_polls (
    org_id           INTEGER NOT NULL REFERENCES organizations (id),
    integration_id   INTEGER NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
    next_poll_at     TEXT NOT NULL,
    lease_until      TEXT,
    watermark        TEXT NOT NULL DEFAULT '',
    resume_cursor    TEXT NOT NULL DEFAULT '',
    cycle_started_at TEXT,
    failures         INTEGER NOT NULL DEFAULT 0,
    last_poll_at     TEXT,
    PRIMARY KEY (org_id, integration_id)
);

-- +goose Down
DROP TABLE integration_polls;
ALTER TABLE integration_log DROP COLUMN duration_ms;
ALTER TABLE integration_log DROP COLUMN http_status;
ALTER TABLE integrations DROP COLUMN poll_url;
