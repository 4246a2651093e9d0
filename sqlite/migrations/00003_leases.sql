-- +goose Up
CREATE TABLE leases (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id             INTEGER NOT NULL REFERENCES organizations (id),
    unit_id            INTEGER NOT NULL REFERENCES units (id),
    status             TEXT NOT NULL,
    start_date         TEXT NOT NULL,
    end_date           TEXT NOT NULL,
    monthly_rent       INTEGER NOT NULL,
    deposit            INTEGER NOT NULL DEFAULT 0,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    activated_at       TEXT,
    terminated_at      TEXT,
    termination_reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX leases_org ON leases (org_id, id);
CREATE INDEX leases_status_end ON leases (status, end_date);

CREATE TABLE lease_tenants (
    org_id    INTEGER NOT NULL REFERENCES organizations (id),
    lease_id  INTEGER NOT NULL REFERENCES leases (id),
    tenant_id INTEGER NOT NULL REFERENCES tenants (id),
    position  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (lease_id, tenant_id)
);
CREATE INDEX lease_tenants_tenant ON lease_tenants (org_id, tenant_id);

-- +goose Down
DROP TABLE lease_tenants;
DROP TABLE leases;
