-- +goose Up
-- Short-term rentals: owners and the properties they own, invoices with
-- their gapless numbering, and guest reviews.
ALTER TABLE organizations ADD COLUMN invoice_number_format TEXT NOT NULL DEFAULT 'INV-{YYYY}-{SEQ:5}';
ALTER TABLE organizations ADD COLUMN review_alert_threshold INTEGER NOT NULL DEFAULT 4;

CREATE TABLE owners (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id         BIGINT NOT NULL REFERENCES organizations (id),
    name           TEXT NOT NULL,
    email          TEXT NOT NULL DEFAULT '',
    phone          TEXT NOT NULL DEFAULT '',
    company        TEXT NOT NULL DEFAULT '',
    payout_details TEXT NOT NULL DEFAULT '',
    notes          TEXT NOT NULL DEFAULT '',
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX owners_org ON owners (org_id, id);

-- An owner's property for a period; dates are inclusive, end_date NULL
-- while it lasts. The service keeps one owner per property per day.
CREATE TABLE ownerships (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id          BIGINT NOT NULL REFERENCES organizations (id),
    owner_id        BIGINT NOT NULL REFERENCES owners (id),
    property_id     BIGINT NOT NULL REFERENCES properties (id),
    commission_rate INTEGER NOT NULL CHECK (commission_rate BETWEEN 0 AND 10000),
    management_fee  BIGINT NOT NULL CHECK (management_fee >= 0),
    cleaning_fee    BIGINT NOT NULL CHECK (cleaning_fee >= 0),
    start_date      TEXT NOT NULL,
    end_date        TEXT,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX ownerships_owner ON ownerships (org_id, owner_id, start_date);
CREATE INDEX ownerships_property ON ownerships (org_id, property_id, start_date);

-- lines is the JSON array of the invoice's lines: they are read and
-- written with the invoice, and frozen with it once it is sent.
CREATE TABLE invoices (
    id                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id             BIGINT NOT NULL REFERENCES organizations (id),
    number             TEXT,
    status             TEXT NOT NULL,
    owner_id           BIGINT REFERENCES owners (id),
    bill_to_name       TEXT NOT NULL,
    bill_to_email      TEXT NOT NULL DEFAULT '',
    bill_to_address    TEXT NOT NULL DEFAULT '',
    booking_id         BIGINT,
    currency           TEXT NOT NULL,
    tax_rate           INTEGER,
    payment_terms_days INTEGER NOT NULL,
    issue_date         TEXT,
    due_date           TEXT,
    notes              TEXT NOT NULL DEFAULT '',
    lines              TEXT NOT NULL,
    tax_breakdown      TEXT NOT NULL,
    subtotal           BIGINT NOT NULL,
    tax_total          BIGINT NOT NULL,
    total              BIGINT NOT NULL,
    payment_reference  TEXT NOT NULL DEFAULT '',
    void_reason        TEXT NOT NULL DEFAULT '',
    sent_at            TIMESTAMPTZ,
    paid_at            TIMESTAMPTZ,
    voided_at          TIMESTAMPTZ,
    created_at         TIMESTAMPTZ NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL
);
CREATE INDEX invoices_org ON invoices (org_id, id);
CREATE INDEX invoices_owner ON invoices (org_id, owner_id, id);
CREATE UNIQUE INDEX invoices_number ON invoices (org_id, number);

-- One counter per organization and numbering period ('' when the format
-- never restarts, '2026' yearly, '2026-07' monthly), bumped by sending.
CREATE TABLE invoice_counters (
    org_id   BIGINT NOT NULL REFERENCES organizations (id),
    period   TEXT NOT NULL,
    last_seq BIGINT NOT NULL,
    PRIMARY KEY (org_id, period)
);

-- external_id is NULL for a review without one, so that only real
-- platform ids are deduplicated.
CREATE TABLE reviews (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id          BIGINT NOT NULL REFERENCES organizations (id),
    source          TEXT NOT NULL,
    external_id     TEXT,
    rating          INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    title           TEXT NOT NULL DEFAULT '',
    body            TEXT NOT NULL DEFAULT '',
    author_name     TEXT NOT NULL DEFAULT '',
    booking_id      BIGINT,
    property_id     BIGINT REFERENCES properties (id),
    unit_id         BIGINT REFERENCES units (id),
    below_threshold BOOLEAN NOT NULL,
    received_at     TIMESTAMPTZ NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX reviews_org ON reviews (org_id, id);
CREATE INDEX reviews_property ON reviews (org_id, property_id, id);
CREATE UNIQUE INDEX reviews_external ON reviews (org_id, source, external_id);

-- +goose Down
DROP TABLE reviews;
DROP TABLE invoice_counters;
DROP TABLE invoices;
DROP TABLE ownerships;
DROP TABLE owners;
ALTER TABLE organizations DROP COLUMN review_alert_threshold;
ALTER TABLE organizations DROP COLUMN invoice_number_format;
