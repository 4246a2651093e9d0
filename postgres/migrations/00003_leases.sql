-- +goose Up
CREATE TABLE leases (
    id                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id             BIGINT NOT NULL REFERENCES organizations (id),
    unit_id            BIGINT NOT NULL REFERENCES units (id),
    status             TEXT NOT NULL,
    start_date         TEXT NOT NULL,
    end_date           TEXT NOT NULL,
    monthly_rent       BIGINT NOT NULL,
    deposit            BIGINT NOT NULL DEFAULT 0,
    created_at         TIMESTAMPTZ NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL,
    activated_at       TIMESTAMPTZ,
    terminated_at      TIMESTAMPTZ,
    termination_reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX leases_org ON leases (org_id, id);
CREATE INDEX leases_status_end ON leases (status, end_date);

CREATE TABLE lease_tenants (
    org_id    BIGINT NOT NULL REFERENCES organizations (id),
    lease_id  BIGINT NOT NULL REFERENCES leases (id),
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    position  BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (lease_id, tenant_id)
);
CREATE INDEX lease_tenants_tenant ON lease_tenants (org_id, tenant_id);

-- +goose Down
DROP TABLE lease_tenants;
DROP TABLE leases;
