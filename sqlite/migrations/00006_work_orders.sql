-- +goose Up
CREATE TABLE work_orders (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id           INTEGER NOT NULL REFERENCES organizations (id),
    property_id      INTEGER NOT NULL REFERENCES properties (id),
    unit_id          INTEGER REFERENCES units (id),
    title            TEXT NOT NULL,
    description      TEXT NOT NULL,
    priority         TEXT NOT NULL,
    category         TEXT NOT NULL DEFAULT '',
    reported_by      TEXT NOT NULL DEFAULT '',
    status           TEXT NOT NULL,
    vendor_id        INTEGER REFERENCES vendors (id),
    assigned_to      TEXT NOT NULL DEFAULT '',
    due_at           TEXT NOT NULL,
    sla_breached_at  TEXT,
    resolution_notes TEXT NOT NULL DEFAULT '',
    completed_at     TEXT,
    verified_at      TEXT,
    closed_at        TEXT,
    cancelled_at     TEXT,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);
CREATE INDEX work_orders_org ON work_orders (org_id, id);
CREATE INDEX work_orders_org_status ON work_orders (org_id, status);
CREATE INDEX work_orders_org_property ON work_orders (org_id, property_id);
CREATE INDEX work_orders_org_vendor ON work_orders (org_id, vendor_id);
-- The SLA pass reads only work orders still running against their deadline.
CREATE INDEX work_orders_sla ON work_orders (org_id, due_at)
    WHERE sla_breached_at IS NULL AND status IN ('open', 'assigned', 'in_progress', 'on_hold');

-- +goose Down
DROP TABLE work_orders;
