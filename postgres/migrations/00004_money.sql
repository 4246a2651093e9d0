-- +goose Up
-- A charge is what a tenant owes; balance is what is still owed of it.
-- The CHECKs are the last line against a balance applied twice.
CREATE TABLE charges (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id      BIGINT NOT NULL REFERENCES organizations (id),
    tenant_id   BIGINT NOT NULL REFERENCES tenants (id),
    lease_id    BIGINT REFERENCES leases (id),
    amount      BIGINT NOT NULL CHECK (amount > 0),
    balance     BIGINT NOT NULL CHECK (balance >= 0 AND balance <= amount),
    description TEXT NOT NULL,
    due_date    TEXT NOT NULL,
    category    TEXT NOT NULL,
    status      TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    paid_at     TIMESTAMPTZ,
    voided_at   TIMESTAMPTZ
);
CREATE INDEX charges_org ON charges (org_id, id);
CREATE INDEX charges_org_tenant_due ON charges (org_id, tenant_id, due_date, id);

CREATE TABLE payments (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id           BIGINT NOT NULL REFERENCES organizations (id),
    tenant_id        BIGINT NOT NULL REFERENCES tenants (id),
    charge_id        BIGINT REFERENCES charges (id),
    amount           BIGINT NOT NULL CHECK (amount > 0),
    method           TEXT NOT NULL,
    reference        TEXT NOT NULL DEFAULT '',
    notes            TEXT NOT NULL DEFAULT '',
    status           TEXT NOT NULL,
    error            TEXT NOT NULL DEFAULT '',
    unapplied_amount BIGINT NOT NULL DEFAULT 0 CHECK (unapplied_amount >= 0 AND unapplied_amount <= amount),
    created_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX payments_org ON payments (org_id, id);
CREATE INDEX payments_org_tenant ON payments (org_id, tenant_id);

-- How much of a payment went to which charge, in the order applied.
CREATE TABLE payment_allocations (
    org_id     BIGINT NOT NULL REFERENCES organizations (id),
    payment_id BIGINT NOT NULL REFERENCES payments (id),
    charge_id  BIGINT NOT NULL REFERENCES charges (id),
    position   BIGINT NOT NULL,
    amount     BIGINT NOT NULL CHECK (amount > 0),
    PRIMARY KEY (payment_id, charge_id)
);
CREATE INDEX payment_allocations_charge ON payment_allocations (org_id, charge_id);

-- +goose Down
DROP TABLE payment_allocations;
DROP TABLE payments;
DROP TABLE charges;
