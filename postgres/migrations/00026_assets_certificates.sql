-- +goose Up
-- Facility records: asset categories, assets, their warranties and
-- warranty claims, compliance certificates, and the expiry alerts the
-- facility scheduler has sent. Dates are ISO text (YYYY-MM-DD), so they
-- compare as text. external_ref is an outside system's id for a record
-- (an integration's source id): unique in the organization when set, so
-- that importing the same record twice updates it.
CREATE TABLE asset_categories (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id     BIGINT NOT NULL REFERENCES organizations (id),
    name       TEXT NOT NULL,
    -- name_key is the name lower-cased: names are unique ignoring case.
    name_key   TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX asset_categories_org_name ON asset_categories (org_id, name_key);

CREATE TABLE assets (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id          BIGINT NOT NULL REFERENCES organizations (id),
    property_id     BIGINT NOT NULL REFERENCES properties (id),
    unit_id         BIGINT REFERENCES units (id),
    category_id     BIGINT REFERENCES asset_categories (id),
    name            TEXT NOT NULL,
    make            TEXT NOT NULL DEFAULT '',
    model           TEXT NOT NULL DEFAULT '',
    serial          TEXT NOT NULL DEFAULT '',
    install_date    TEXT NOT NULL DEFAULT '',
    condition       TEXT NOT NULL,
    status          TEXT NOT NULL,
    location        TEXT NOT NULL DEFAULT '',
    notes           TEXT NOT NULL DEFAULT '',
    external_ref    TEXT NOT NULL DEFAULT '',
    disposal_reason TEXT NOT NULL DEFAULT '',
    disposed_at     TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX assets_org ON assets (org_id, id);
CREATE INDEX assets_property ON assets (org_id, property_id, id);
CREATE INDEX assets_category ON assets (org_id, category_id);
CREATE UNIQUE INDEX assets_external_ref ON assets (org_id, external_ref) WHERE external_ref <> '';

CREATE TABLE warranties (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id        BIGINT NOT NULL REFERENCES organizations (id),
    asset_id      BIGINT NOT NULL REFERENCES assets (id),
    provider      TEXT NOT NULL,
    contact       TEXT NOT NULL DEFAULT '',
    policy_number TEXT NOT NULL DEFAULT '',
    start_date    TEXT NOT NULL,
    end_date      TEXT NOT NULL,
    coverage      TEXT NOT NULL DEFAULT '',
    external_ref  TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX warranties_asset ON warranties (org_id, asset_id, id);
CREATE INDEX warranties_end ON warranties (org_id, end_date);
CREATE UNIQUE INDEX warranties_external_ref ON warranties (org_id, external_ref) WHERE external_ref <> '';

CREATE TABLE warranty_claims (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id        BIGINT NOT NULL REFERENCES organizations (id),
    warranty_id   BIGINT NOT NULL REFERENCES warranties (id),
    status        TEXT NOT NULL,
    description   TEXT NOT NULL,
    work_order_id BIGINT REFERENCES work_orders (id),
    notes         TEXT NOT NULL DEFAULT '',
    submitted_at  TIMESTAMPTZ,
    decided_at    TIMESTAMPTZ,
    closed_at     TIMESTAMPTZ,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX warranty_claims_warranty ON warranty_claims (org_id, warranty_id, id);

CREATE TABLE certificates (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id      BIGINT NOT NULL REFERENCES organizations (id),
    type        TEXT NOT NULL,
    property_id BIGINT NOT NULL REFERENCES properties (id),
    asset_id    BIGINT REFERENCES assets (id),
    reference   TEXT NOT NULL DEFAULT '',
    issuer      TEXT NOT NULL DEFAULT '',
    issue_date  TEXT NOT NULL,
    expiry_date TEXT NOT NULL,
    document_id BIGINT REFERENCES documents (id),
    notes       TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX certificates_org ON certificates (org_id, id);
CREATE INDEX certificates_expiry ON certificates (org_id, expiry_date);
CREATE INDEX certificates_asset ON certificates (org_id, asset_id);

-- expiry_alerts remembers each expiry alert by record, threshold and the
-- date it counts down to, so that a pass run twice, after a restart or on
-- two nodes sends it once, and a new end date arms the alerts again.
-- record_type is warranty or certificate; threshold_days -1 is a
-- certificate's certificate.expired. status is sent or passed (crossed in
-- the same pass as a tighter threshold: recorded without an event).
CREATE TABLE expiry_alerts (
    org_id         BIGINT NOT NULL REFERENCES organizations (id),
    record_type    TEXT NOT NULL,
    record_id      BIGINT NOT NULL,
    threshold_days BIGINT NOT NULL,
    due_date       TEXT NOT NULL,
    status         TEXT NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (record_type, record_id, threshold_days, due_date)
);

-- The days before a certificate's expiry at which
-- certificate.expiring_soon fires.
ALTER TABLE organizations ADD COLUMN certificate_alert_days TEXT NOT NULL DEFAULT '[7,30,60]';

-- +goose Down
ALTER TABLE organizations DROP COLUMN certificate_alert_days;
DROP TABLE expiry_alerts;
DROP TABLE certificates;
DROP TABLE warranty_claims;
DROP TABLE warranties;
DROP TABLE assets;
DROP TABLE asset_categories;
