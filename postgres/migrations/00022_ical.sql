-- +goose Up
-- Short-term rentals: iCal. Each unit's export feed is reached by a secret
-- token: token_hash (SHA-256) finds it, token_sealed (the service's secret
-- box) shows it again. Import sources are fetched on a schedule; each
-- imported event is linked to the booking it became by (source, uid).
CREATE TABLE ical_exports (
    org_id       BIGINT NOT NULL REFERENCES organizations (id),
    unit_id      BIGINT NOT NULL REFERENCES units (id),
    token_hash   BYTEA NOT NULL,
    token_sealed BYTEA NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (org_id, unit_id)
);
CREATE UNIQUE INDEX ical_exports_token ON ical_exports (token_hash);

CREATE TABLE ical_sources (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id          BIGINT NOT NULL REFERENCES organizations (id),
    property_id     BIGINT NOT NULL REFERENCES properties (id),
    unit_id         BIGINT NOT NULL REFERENCES units (id),
    name            TEXT NOT NULL,
    url             TEXT NOT NULL,
    currency        TEXT NOT NULL,
    status          TEXT NOT NULL,
    last_error      TEXT NOT NULL DEFAULT '',
    last_attempt_at TIMESTAMPTZ,
    last_synced_at TIMESTAMPTZ,
    lease_until    TIMESTAMPTZ,
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX ical_sources_org ON ical_sources (org_id, id);

-- conflict_dates remembers the dates a conflict was reported for, so that
-- a re-sync reports it once, not on every run.
CREATE TABLE ical_links (
    org_id         BIGINT NOT NULL REFERENCES organizations (id),
    source_id      BIGINT NOT NULL REFERENCES ical_sources (id) ON DELETE CASCADE,
    uid            TEXT NOT NULL,
    booking_id     BIGINT NOT NULL REFERENCES bookings (id),
    conflict_dates TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (org_id, source_id, uid)
);

-- +goose Down
DROP TABLE ical_links;
DROP TABLE ical_sources;
DROP TABLE ical_exports;
