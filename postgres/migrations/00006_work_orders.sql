-- +goose Up
CREATE TABLE work_orders (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id           BIGINT NOT NULL REFERENCES organizations (id),
    property_id      BIGINT NOT NULL REFERENCES properties (id),
    unit_id          BIGINT REFERENCES units (id),
    title            TEXT NOT NULL,
    description      TEXT NOT NULL,
    priority         TEXT NOT NULL,
    category         TEXT NOT NULL DEFAULT '',
    reported_by      TEXT NOT NULL DEFAULT '',
    status           TEXT NOT NULL,
    vendor_id        BIGINT REFERENCES vendors (id),
    assigned_to      TEXT NOT NULL DEFAULT '',
    due_at           TIMESTAMPTZ NOT NULL,
    sla_breached_at  TIMESTAMPTZ,
    resolution_notes TEXT NOT NULL DEFAULT '',
    completed_at     TIMESTAMPTZ,
    verified_at      TIMESTAMPTZ,
    closed_at        TIMESTAMPTZ,
    cancelled_at     TIMESTAMPTZ,
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL
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
