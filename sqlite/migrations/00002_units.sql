-- +goose Up
CREATE TABLE units (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id      INTEGER NOT NULL REFERENCES organizations (id),
    property_id INTEGER NOT NULL REFERENCES properties (id),
    name        TEXT NOT NULL,
    floor       TEXT NOT NULL DEFAULT '',
    bedrooms    INTEGER NOT NULL DEFAULT 0,
    bathrooms   INTEGER NOT NULL DEFAULT 0,
    area_sqm    INTEGER NOT NULL DEFAULT 0,
    market_rent INTEGER NOT NULL DEFAULT 0,
    status      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX units_org ON units (org_id, id);
CREATE INDEX units_org_property ON units (org_id, property_id);

-- +goose Down
DROP TABLE units;
