-- +goose Up
-- Short-term rentals: cleaning tasks and messages to guests. Dates are ISO
-- text (YYYY-MM-DD), so they compare as text; checklist and
-- photo_document_ids are JSON arrays read and written with the task.
CREATE TABLE cleaning_tasks (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id              INTEGER NOT NULL REFERENCES organizations (id),
    property_id         INTEGER NOT NULL REFERENCES properties (id),
    unit_id             INTEGER NOT NULL REFERENCES units (id),
    booking_id          INTEGER REFERENCES bookings (id),
    origin              TEXT NOT NULL,
    status              TEXT NOT NULL,
    priority            TEXT NOT NULL,
    due_from            TEXT NOT NULL,
    due_by              TEXT,
    staff_id            INTEGER REFERENCES staff (id),
    vendor_id           INTEGER REFERENCES vendors (id),
    checklist           TEXT NOT NULL DEFAULT '[]',
    notes               TEXT NOT NULL DEFAULT '',
    photo_document_ids  TEXT NOT NULL DEFAULT '[]',
    skip_reason         TEXT NOT NULL DEFAULT '',
    rescheduled_from_id INTEGER,
    rescheduled_to_id   INTEGER,
    assigned_at         TEXT,
    started_at          TEXT,
    completed_at        TEXT,
    skipped_at          TEXT,
    cancelled_at        TEXT,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
);
CREATE INDEX cleaning_tasks_org ON cleaning_tasks (org_id, id);
CREATE INDEX cleaning_tasks_unit_due ON cleaning_tasks (org_id, unit_id, due_from);
CREATE INDEX cleaning_tasks_booking ON cleaning_tasks (org_id, booking_id);

CREATE TABLE whatsapp_templates (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id     INTEGER NOT NULL REFERENCES organizations (id),
    name       TEXT NOT NULL,
    body       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX whatsapp_templates_org_name ON whatsapp_templates (org_id, name);

-- Messages to guests are the mail outbox's channel "whatsapp".
ALTER TABLE messages ADD COLUMN booking_id INTEGER;
ALTER TABLE messages ADD COLUMN template_id INTEGER;
CREATE INDEX messages_org_channel ON messages (org_id, channel, id);

-- +goose Down
DROP INDEX messages_org_channel;
ALTER TABLE messages DROP COLUMN template_id;
ALTER TABLE messages DROP COLUMN booking_id;
DROP TABLE whatsapp_templates;
DROP TABLE cleaning_tasks;
