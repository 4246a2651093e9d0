-- +goose Up
-- Short-term rentals: cleaning tasks and messages to guests. Dates are ISO
-- text (YYYY-MM-DD), so they compare as text; checklist and
-- photo_document_ids are JSON arrays read and written with the task.
CREATE TABLE cleaning_tasks (
    id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id              BIGINT NOT NULL REFERENCES organizations (id),
    property_id         BIGINT NOT NULL REFERENCES properties (id),
    unit_id             BIGINT NOT NULL REFERENCES units (id),
    booking_id          BIGINT REFERENCES bookings (id),
    origin              TEXT NOT NULL,
    status              TEXT NOT NULL,
    priority            TEXT NOT NULL,
    due_from            TEXT NOT NULL,
    due_by              TEXT,
    staff_id            BIGINT REFERENCES staff (id),
    vendor_id           BIGINT REFERENCES vendors (id),
    checklist           TEXT NOT NULL DEFAULT '[]',
    notes               TEXT NOT NULL DEFAULT '',
    photo_document_ids  TEXT NOT NULL DEFAULT '[]',
    skip_reason         TEXT NOT NULL DEFAULT '',
    rescheduled_from_id BIGINT,
    rescheduled_to_id   BIGINT,
    assigned_at         TIMESTAMPTZ,
    started_at          TIMESTAMPTZ,
    completed_at        TIMESTAMPTZ,
    skipped_at          TIMESTAMPTZ,
    cancelled_at        TIMESTAMPTZ,
    created_at          TIMESTAMPTZ NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL
);
CREATE INDEX cleaning_tasks_org ON cleaning_tasks (org_id, id);
CREATE INDEX cleaning_tasks_unit_due ON cleaning_tasks (org_id, unit_id, due_from);
CREATE INDEX cleaning_tasks_booking ON cleaning_tasks (org_id, booking_id);

CREATE TABLE whatsapp_templates (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id     BIGINT NOT NULL REFERENCES organizations (id),
    name       TEXT NOT NULL,
    body       TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX whatsapp_templates_org_name ON whatsapp_templates (org_id, name);

-- Messages to guests are the mail outbox's channel "whatsapp".
ALTER TABLE messages ADD COLUMN booking_id BIGINT;
ALTER TABLE messages ADD COLUMN template_id BIGINT;
CREATE INDEX messages_org_channel ON messages (org_id, channel, id);

-- +goose Down
DROP INDEX messages_org_channel;
ALTER TABLE messages DROP COLUMN template_id;
ALTER TABLE messages DROP COLUMN booking_id;
DROP TABLE whatsapp_templates;
DROP TABLE cleaning_tasks;
