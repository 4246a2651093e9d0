-- +goose Up
-- Inspections and their checklist items, documents (the files live on
-- disk; rows hold what is known of them), broadcasts, and the retry
-- bookkeeping the mail sender needs on the outbox.
CREATE TABLE inspections (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id           BIGINT NOT NULL REFERENCES organizations (id),
    property_id      BIGINT NOT NULL REFERENCES properties (id),
    unit_id          BIGINT REFERENCES units (id),
    kind             TEXT NOT NULL,
    scheduled_for    TIMESTAMPTZ NOT NULL,
    inspector        TEXT NOT NULL DEFAULT '',
    status           TEXT NOT NULL,
    notes            TEXT NOT NULL DEFAULT '',
    started_at       TIMESTAMPTZ,
    completed_at     TIMESTAMPTZ,
    reviewed_at      TIMESTAMPTZ,
    rejection_reason TEXT NOT NULL DEFAULT '',
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX inspections_org ON inspections (org_id, id);

CREATE TABLE inspection_items (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id        BIGINT NOT NULL REFERENCES organizations (id),
    inspection_id BIGINT NOT NULL REFERENCES inspections (id),
    label         TEXT NOT NULL,
    result        TEXT NOT NULL,
    notes         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX inspection_items_inspection ON inspection_items (org_id, inspection_id, id);

CREATE TABLE documents (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id       BIGINT NOT NULL REFERENCES organizations (id),
    title        TEXT NOT NULL,
    scope        TEXT NOT NULL,
    scope_id     BIGINT NOT NULL,
    file_name    TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL,
    sha256       TEXT NOT NULL,
    storage_key  TEXT NOT NULL UNIQUE,
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX documents_org ON documents (org_id, id);
CREATE INDEX documents_org_scope ON documents (org_id, scope, scope_id);

CREATE TABLE broadcasts (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id      BIGINT NOT NULL REFERENCES organizations (id),
    subject     TEXT NOT NULL,
    body        TEXT NOT NULL,
    audience    TEXT NOT NULL,
    channel     TEXT NOT NULL,
    property_id BIGINT REFERENCES properties (id),
    recipients  BIGINT NOT NULL,
    skipped     BIGINT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX broadcasts_org ON broadcasts (org_id, id);

-- next_attempt_at: NULL is due now; a claim pushes it ahead so that no
-- other sender takes the message while it is being sent, and a failure
-- pushes it to the retry time.
ALTER TABLE messages ADD COLUMN attempts BIGINT NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN next_attempt_at TIMESTAMPTZ;

-- +goose Down
ALTER TABLE messages DROP COLUMN next_attempt_at;
ALTER TABLE messages DROP COLUMN attempts;
DROP TABLE broadcasts;
DROP TABLE documents;
DROP TABLE inspection_items;
DROP TABLE inspections;
