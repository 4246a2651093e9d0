-- +goose Up
-- Short-term rentals: bookings, the payments collected on them, blocks and
-- seasonal rates. Dates are ISO text (YYYY-MM-DD), so they compare as text.
CREATE TABLE bookings (
    id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id              BIGINT NOT NULL REFERENCES organizations (id),
    reference           TEXT NOT NULL,
    property_id         BIGINT NOT NULL REFERENCES properties (id),
    unit_id             BIGINT NOT NULL REFERENCES units (id),
    status              TEXT NOT NULL,
    source              TEXT NOT NULL,
    guest_name          TEXT NOT NULL,
    guest_email         TEXT NOT NULL DEFAULT '',
    guest_phone         TEXT NOT NULL DEFAULT '',
    guests_count        BIGINT NOT NULL,
    check_in            TEXT NOT NULL,
    check_out           TEXT NOT NULL,
    nights              BIGINT NOT NULL,
    nightly_prices      TEXT NOT NULL DEFAULT '[]',
    accommodation       BIGINT NOT NULL,
    fees                BIGINT NOT NULL,
    taxes               BIGINT NOT NULL,
    total               BIGINT NOT NULL,
    amount_paid         BIGINT NOT NULL DEFAULT 0,
    currency            TEXT NOT NULL,
    notes               TEXT NOT NULL DEFAULT '',
    cancellation_reason TEXT NOT NULL DEFAULT '',
    confirmed_at        TIMESTAMPTZ,
    checked_in_at       TIMESTAMPTZ,
    checked_out_at      TIMESTAMPTZ,
    cancelled_at        TIMESTAMPTZ,
    no_show_at          TIMESTAMPTZ,
    created_at          TIMESTAMPTZ NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX bookings_org_reference ON bookings (org_id, reference);
CREATE INDEX bookings_org ON bookings (org_id, id);
-- The overlap check and the calendar read a unit's stays by date.
CREATE INDEX bookings_unit_dates ON bookings (org_id, unit_id, check_in, check_out);
CREATE INDEX bookings_org_dates ON bookings (org_id, check_in, check_out);

CREATE TABLE booking_payments (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id      BIGINT NOT NULL REFERENCES organizations (id),
    booking_id  BIGINT NOT NULL REFERENCES bookings (id),
    amount      BIGINT NOT NULL,
    currency    TEXT NOT NULL,
    method      TEXT NOT NULL,
    reference   TEXT NOT NULL DEFAULT '',
    received_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX booking_payments_booking ON booking_payments (org_id, booking_id, id);

CREATE TABLE blocks (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id      BIGINT NOT NULL REFERENCES organizations (id),
    property_id BIGINT NOT NULL REFERENCES properties (id),
    unit_id     BIGINT NOT NULL REFERENCES units (id),
    kind        TEXT NOT NULL,
    start_date  TEXT NOT NULL,
    end_date    TEXT NOT NULL,
    reason      TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX blocks_org ON blocks (org_id, id);
CREATE INDEX blocks_unit_dates ON blocks (org_id, unit_id, start_date, end_date);

CREATE TABLE rates (
    id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id              BIGINT NOT NULL REFERENCES organizations (id),
    property_id         BIGINT NOT NULL REFERENCES properties (id),
    unit_id             BIGINT REFERENCES units (id),
    name                TEXT NOT NULL DEFAULT '',
    start_date          TEXT NOT NULL,
    end_date            TEXT NOT NULL,
    nightly_price       BIGINT NOT NULL,
    currency            TEXT NOT NULL,
    min_stay            BIGINT NOT NULL,
    weekday_adjustments TEXT NOT NULL DEFAULT '{}',
    created_at          TIMESTAMPTZ NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL
);
CREATE INDEX rates_org ON rates (org_id, id);
CREATE INDEX rates_property_dates ON rates (org_id, property_id, start_date, end_date);

-- +goose Down
DROP TABLE rates;
DROP TABLE blocks;
DROP TABLE booking_payments;
DROP TABLE bookings;
