-- +goose Up
-- ERP / accounting posting (issue 11): an outbound integration's posting
-- rules, and one row per posting it made. A posting is unique per
-- integration and source (work_order:12, payment:7,
-- month_end:2026-11:property:3), so the same source never posts twice,
-- whichever node or retry gets there first. webhook_id is the webhook the
-- integration owns to send its postings through the delivery engine.
CREATE TABLE integration_posting_rules (
    integration_id BIGINT PRIMARY KEY REFERENCES integrations (id) ON DELETE CASCADE,
    org_id         BIGINT NOT NULL REFERENCES organizations (id),
    rules          TEXT NOT NULL,
    webhook_id     BIGINT,
    updated_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX integration_posting_rules_org ON integration_posting_rules (org_id, integration_id);

CREATE TABLE integration_postings (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id         BIGINT NOT NULL REFERENCES organizations (id),
    integration_id BIGINT NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
    source_key     TEXT NOT NULL,
    source_type    TEXT NOT NULL,
    source_id      BIGINT NOT NULL DEFAULT 0,
    rule           TEXT NOT NULL,
    period         TEXT NOT NULL DEFAULT '',
    entry_date     TEXT NOT NULL,
    amount         BIGINT NOT NULL,
    currency       TEXT NOT NULL,
    invoice_period TEXT NOT NULL DEFAULT '',
    invoice_seq    INTEGER NOT NULL DEFAULT 0,
    document       TEXT NOT NULL,
    webhook_id     BIGINT,
    event_id       TEXT NOT NULL DEFAULT '',
    created_at     TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX integration_postings_source ON integration_postings (integration_id, source_key);
CREATE INDEX integration_postings_list ON integration_postings (org_id, integration_id, id);
CREATE INDEX integration_postings_created ON integration_postings (org_id, integration_id, created_at);

-- +goose Down
DROP TABLE integration_postings;
DROP TABLE integration_posting_rules;
