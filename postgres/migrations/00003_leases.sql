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

-- lease_alerts remembers each lease.expiring_soon alert by lease, threshold
-- and end date, so that a scheduler pass, a restart or a second node never
-- sends one twice, and a renewal (a new end date) arms the alerts again.
-- status is sent (the event fired) or passed (a looser threshold crossed in
-- the same pass as a tighter one, recorded without an event).
CREATE TABLE lease_alerts (
    org_id         BIGINT NOT NULL REFERENCES organizations (id),
    lease_id       BIGINT NOT NULL REFERENCES leases (id),
    threshold_days BIGINT NOT NULL,
    end_date       TEXT NOT NULL,
    status         TEXT NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (lease_id, threshold_days, end_date)
);

-- +goose Down
DROP TABLE lease_alerts;
DROP TABLE lease_tenants;
DROP TABLE leases;
