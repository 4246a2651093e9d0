-- +goose Up
-- Owner statements: one per owner, month and currency, frozen when drawn
-- up. The unique key is what makes the monthly pass idempotent on every
-- node: a second insert for the same owner-month does nothing.
CREATE TABLE owner_statements (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id      INTEGER NOT NULL REFERENCES organizations (id),
    owner_id    INTEGER NOT NULL REFERENCES owners (id),
    owner_name  TEXT NOT NULL,
    month       TEXT NOT NULL,
    currency    TEXT NOT NULL,
    lines       TEXT NOT NULL,
    nights      INTEGER NOT NULL,
    gross       INTEGER NOT NULL,
    commission  INTEGER NOT NULL,
    fees        INTEGER NOT NULL,
    expenses    INTEGER NOT NULL,
    net         INTEGER NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE UNIQUE INDEX owner_statements_key ON owner_statements (org_id, owner_id, month, currency);
CREATE INDEX owner_statements_org ON owner_statements (org_id, id);

-- Tourist tax rules: property_id 0 is the organization's default, any
-- other a property's own rule. Tax = per_guest_night × guests × taxable
-- nights + percent of the taxable nights' accommodation, where a stay's
-- taxable nights are its first max_nights (0: all).
CREATE TABLE tax_rules (
    org_id          INTEGER NOT NULL REFERENCES organizations (id),
    property_id     INTEGER NOT NULL,
    per_guest_night INTEGER NOT NULL CHECK (per_guest_night >= 0),
    percent         INTEGER NOT NULL CHECK (percent BETWEEN 0 AND 10000),
    max_nights      INTEGER NOT NULL CHECK (max_nights >= 0),
    updated_at      TEXT NOT NULL,
    PRIMARY KEY (org_id, property_id)
);

-- Tax reports: one per property, month and currency, frozen when drawn
-- up; the unique key makes the monthly pass idempotent on every node.
CREATE TABLE tax_reports (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id        INTEGER NOT NULL REFERENCES organizations (id),
    property_id   INTEGER NOT NULL REFERENCES properties (id),
    property_name TEXT NOT NULL,
    month         TEXT NOT NULL,
    currency      TEXT NOT NULL,
    stays         INTEGER NOT NULL,
    nights        INTEGER NOT NULL,
    guest_nights  INTEGER NOT NULL,
    taxable_guest_nights INTEGER NOT NULL,
    accommodation INTEGER NOT NULL,
    tax_due       INTEGER NOT NULL,
    rule          TEXT NOT NULL,
    created_at    TEXT NOT NULL
);
CREATE UNIQUE INDEX tax_reports_key ON tax_reports (org_id, property_id, month, currency);
CREATE INDEX tax_reports_org ON tax_reports (org_id, id);

-- +goose Down
DROP TABLE tax_reports;
DROP TABLE tax_rules;
DROP TABLE owner_statements;
