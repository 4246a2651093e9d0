-- +goose Up
-- Short-term rentals: iCal. Each unit's export feed is reached by a secret
-- token: token_hash (SHA-256) finds it, token_sealed (the service's secret
-- box) shows it again. Import sources are fetched on a schedule; each
-- imported event is linked to the booking it became by (source, uid).
CREATE TABLE ical_exports (
    org_id       INTEGER NOT NULL REFERENCES organizations (id),
    unit_id      INTEGER NOT NULL REFERENCES units (id),
    token_hash   BLOB NOT NULL,
    token_sealed BLOB NOT NULL,
    created_at   TEXT NOT NULL,
    PRIMARY KEY (org_id, unit_id)
);
CREATE UNIQUE INDEX ical_exports_token ON ical_exports (token_hash);

CREATE TABLE ical_sources (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id          INTEGER NOT NULL REFERENCES organizations (id),
    property_id     INTEGER NOT NULL REFERENCES properties (id),
    unit_id         INTEGER NOT NULL REFERENCES units (id),
    name            TEXT NOT NULL,
    url             TEXT NOT NULL,
    currency        TEXT NOT NULL,
    status          TEXT NOT NULL,
    last_error      TEXT NOT NULL DEFAULT '',
    last_attempt_at TEXT,
    last_synced_at  TEXT,
    lease_until     TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX ical_sources_org ON ical_sources (org_id, id);

-- conflict_dates remembers the dates a conflict was reported for, so that
-- a re-sync reports it once, not on every run.
CREATE TABLE ical_links (
    org_id         INTEGER NOT NULL REFERENCES organizations (id),
    source_id      INTEGER NOT NULL REFERENCES ical_sources (id) ON DELETE CASCADE,
    uid            TEXT NOT NULL,
    booking_id     INTEGER NOT NULL REFERENCES bookings (id),
    conflict_dates TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (org_id, source_id, uid)
);

-- +goose Down
DROP TABLE ical_links;
DROP TABLE ical_sources;
DROP TABLE ical_exports;
