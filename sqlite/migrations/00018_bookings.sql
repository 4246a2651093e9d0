-- +goose Up
-- Short-term rentals: bookings, the payments collected on them, blocks and
-- seasonal rates. Dates are ISO text (YYYY-MM-DD), so they compare as text.
CREATE TABLE bookings (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id              INTEGER NOT NULL REFERENCES organizations (id),
    reference           TEXT NOT NULL,
    property_id         INTEGER NOT NULL REFERENCES properties (id),
    unit_id             INTEGER NOT NULL REFERENCES units (id),
    status              TEXT NOT NULL,
    source              TEXT NOT NULL,
    guest_name          TEXT NOT NULL,
    guest_email         TEXT NOT NULL DEFAULT '',
    guest_phone         TEXT NOT NULL DEFAULT '',
    guests_count        INTEGER NOT NULL,
    check_in            TEXT NOT NULL,
    check_out           TEXT NOT NULL,
    nights              INTEGER NOT NULL,
    nightly_prices      TEXT NOT NULL DEFAULT '[]',
    accommodation       INTEGER NOT NULL,
    fees                INTEGER NOT NULL,
    taxes               INTEGER NOT NULL,
    total               INTEGER NOT NULL,
    amount_paid         INTEGER NOT NULL DEFAULT 0,
    currency            TEXT NOT NULL,
    notes               TEXT NOT NULL DEFAULT '',
    cancellation_reason TEXT NOT NULL DEFAULT '',
    confirmed_at        TEXT,
    checked_in_at       TEXT,
    checked_out_at      TEXT,
    cancelled_at        TEXT,
    no_show_at          TEXT,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
);
CREATE UNIQUE INDEX bookings_org_reference ON bookings (org_id, reference);
CREATE INDEX bookings_org ON bookings (org_id, id);
-- The overlap check and the calendar read a unit's stays by date.
CREATE INDEX bookings_unit_dates ON bookings (org_id, unit_id, check_in, check_out);
CREATE INDEX bookings_org_dates ON bookings (org_id, check_in, check_out);

CREATE TABLE booking_payments (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id      INTEGER NOT NULL REFERENCES organizations (id),
    booking_id  INTEGER NOT NULL REFERENCES bookings (id),
    amount      INTEGER NOT NULL,
    currency    TEXT NOT NULL,
    method      TEXT NOT NULL,
    reference   TEXT NOT NULL DEFAULT '',
    received_at TEXT NOT NULL
);
CREATE INDEX booking_payments_booking ON booking_payments (org_id, booking_id, id);

CREATE TABLE blocks (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id      INTEGER NOT NULL REFERENCES organizations (id),
    property_id INTEGER NOT NULL REFERENCES properties (id),
    unit_id     INTEGER NOT NULL REFERENCES units (id),
    kind        TEXT NOT NULL,
    start_date  TEXT NOT NULL,
    end_date    TEXT NOT NULL,
    reason      TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX blocks_org ON blocks (org_id, id);
CREATE INDEX blocks_unit_dates ON blocks (org_id, unit_id, start_date, end_date);

CREATE TABLE rates (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id              INTEGER NOT NULL REFERENCES organizations (id),
    property_id         INTEGER NOT NULL REFERENCES properties (id),
    unit_id             INTEGER REFERENCES units (id),
    name                TEXT NOT NULL DEFAULT '',
    start_date          TEXT NOT NULL,
    end_date            TEXT NOT NULL,
    nightly_price       INTEGER NOT NULL,
    currency            TEXT NOT NULL,
    min_stay            INTEGER NOT NULL,
    weekday_adjustments TEXT NOT NULL DEFAULT '{}',
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
);
CREATE INDEX rates_org ON rates (org_id, id);
CREATE INDEX rates_property_dates ON rates (org_id, property_id, start_date, end_date);

-- +goose Down
DROP TABLE rates;
DROP TABLE blocks;
DROP TABLE booking_payments;
DROP TABLE bookings;
