-- +goose Up
CREATE TABLE units (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id      BIGINT NOT NULL REFERENCES organizations (id),
    property_id BIGINT NOT NULL REFERENCES properties (id),
    name        TEXT NOT NULL,
    floor       TEXT NOT NULL DEFAULT '',
    bedrooms    BIGINT NOT NULL DEFAULT 0,
    bathrooms   BIGINT NOT NULL DEFAULT 0,
    area_sqm    BIGINT NOT NULL DEFAULT 0,
    market_rent BIGINT NOT NULL DEFAULT 0,
    status      TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX units_org ON units (org_id, id);
CREATE INDEX units_org_property ON units (org_id, property_id);

-- +goose Down
DROP TABLE units;
