-- +goose Up
-- Facilities: meters and readings, defects, visitor passes, amenities and
-- their bookings, and tenants' acknowledgements of broadcasts.

-- asset_id has no foreign key: assets arrive in their own migration, and
-- the assets code validates the id once both are merged.
CREATE TABLE meters (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id          BIGINT NOT NULL REFERENCES organizations (id),
    property_id     BIGINT NOT NULL REFERENCES properties (id),
    unit_id         BIGINT REFERENCES units (id),
    asset_id        BIGINT,
    name            TEXT NOT NULL,
    kind            TEXT NOT NULL,
    unit_of_measure TEXT NOT NULL,
    external_ref    TEXT,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX meters_org ON meters (org_id, id);
CREATE UNIQUE INDEX meters_external_ref ON meters (org_id, external_ref) WHERE external_ref IS NOT NULL;

-- Readings are appended in batches: the value is a DOUBLE PRECISION (a measurement,
-- aggregated by SQL), and (meter, source, source_id) makes a resent
-- reading a duplicate instead of a second row.
CREATE TABLE meter_readings (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id     BIGINT NOT NULL REFERENCES organizations (id),
    meter_id   BIGINT NOT NULL REFERENCES meters (id),
    value      DOUBLE PRECISION NOT NULL,
    read_at    TIMESTAMPTZ NOT NULL,
    source     TEXT NOT NULL,
    source_id  TEXT,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX meter_readings_time ON meter_readings (meter_id, read_at, id);
CREATE UNIQUE INDEX meter_readings_source ON meter_readings (meter_id, source, source_id) WHERE source_id IS NOT NULL;

CREATE TABLE defects (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id           BIGINT NOT NULL REFERENCES organizations (id),
    property_id      BIGINT NOT NULL REFERENCES properties (id),
    unit_id          BIGINT REFERENCES units (id),
    asset_id         BIGINT,
    title            TEXT NOT NULL,
    description      TEXT NOT NULL DEFAULT '',
    location         TEXT NOT NULL DEFAULT '',
    severity         TEXT NOT NULL,
    status           TEXT NOT NULL,
    source           TEXT NOT NULL DEFAULT '',
    external_ref     TEXT,
    work_order_id    BIGINT REFERENCES work_orders (id),
    resolution       TEXT NOT NULL DEFAULT '',
    started_at       TIMESTAMPTZ,
    resolved_at      TIMESTAMPTZ,
    rejected_at      TIMESTAMPTZ,
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX defects_org ON defects (org_id, id);
CREATE UNIQUE INDEX defects_external_ref ON defects (org_id, source, external_ref) WHERE external_ref IS NOT NULL;

ALTER TABLE organizations ADD COLUMN defects_as_work_orders BOOLEAN NOT NULL DEFAULT FALSE;

CREATE TABLE visitor_passes (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id         BIGINT NOT NULL REFERENCES organizations (id),
    property_id    BIGINT NOT NULL REFERENCES properties (id),
    unit_id        BIGINT NOT NULL REFERENCES units (id),
    tenant_id      BIGINT REFERENCES tenants (id),
    visitor_name   TEXT NOT NULL,
    visitor_phone  TEXT NOT NULL DEFAULT '',
    expected_from  TIMESTAMPTZ NOT NULL,
    expected_until TIMESTAMPTZ NOT NULL,
    status         TEXT NOT NULL,
    code           TEXT NOT NULL,
    notes          TEXT NOT NULL DEFAULT '',
    checked_in_at  TIMESTAMPTZ,
    checked_out_at TIMESTAMPTZ,
    cancelled_at   TIMESTAMPTZ,
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX visitor_passes_org ON visitor_passes (org_id, id);

CREATE TABLE amenities (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id      BIGINT NOT NULL REFERENCES organizations (id),
    property_id BIGINT NOT NULL REFERENCES properties (id),
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    capacity    BIGINT NOT NULL,
    status      TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX amenities_org ON amenities (org_id, id);

CREATE TABLE amenity_bookings (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id       BIGINT NOT NULL REFERENCES organizations (id),
    amenity_id   BIGINT NOT NULL REFERENCES amenities (id),
    property_id  BIGINT NOT NULL REFERENCES properties (id),
    tenant_id    BIGINT NOT NULL REFERENCES tenants (id),
    starts_at    TIMESTAMPTZ NOT NULL,
    ends_at      TIMESTAMPTZ NOT NULL,
    status       TEXT NOT NULL,
    notes        TEXT NOT NULL DEFAULT '',
    cancelled_at TIMESTAMPTZ,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX amenity_bookings_org ON amenity_bookings (org_id, id);
CREATE INDEX amenity_bookings_time ON amenity_bookings (amenity_id, starts_at);

CREATE TABLE broadcast_acknowledgements (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id          BIGINT NOT NULL REFERENCES organizations (id),
    broadcast_id    BIGINT NOT NULL REFERENCES broadcasts (id),
    tenant_id       BIGINT NOT NULL REFERENCES tenants (id),
    acknowledged_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX broadcast_acknowledgements_tenant ON broadcast_acknowledgements (broadcast_id, tenant_id);

-- +goose Down
DROP TABLE broadcast_acknowledgements;
DROP TABLE amenity_bookings;
DROP TABLE amenities;
DROP TABLE visitor_passes;
ALTER TABLE organizations DROP COLUMN defects_as_work_orders;
DROP TABLE defects;
DROP TABLE meter_readings;
DROP TABLE meters;
