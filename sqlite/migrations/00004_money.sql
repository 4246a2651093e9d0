-- +goose Up
-- A charge is what a tenant owes; balance is what is still owed of it.
-- The CHECKs are the last line against a balance applied twice.
CREATE TABLE charges (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id      INTEGER NOT NULL REFERENCES organizations (id),
    tenant_id   INTEGER NOT NULL REFERENCES tenants (id),
    lease_id    INTEGER REFERENCES leases (id),
    amount      INTEGER NOT NULL CHECK (amount > 0),
    balance     INTEGER NOT NULL CHECK (balance >= 0 AND balance <= amount),
    description TEXT NOT NULL,
    due_date    TEXT NOT NULL,
    category    TEXT NOT NULL,
    status      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    paid_at     TEXT,
    voided_at   TEXT
);
CREATE INDEX charges_org ON charges (org_id, id);
CREATE INDEX charges_org_tenant_due ON charges (org_id, tenant_id, due_date, id);

CREATE TABLE payments (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id           INTEGER NOT NULL REFERENCES organizations (id),
    tenant_id        INTEGER NOT NULL REFERENCES tenants (id),
    charge_id        INTEGER REFERENCES charges (id),
    amount           INTEGER NOT NULL CHECK (amount > 0),
    method           TEXT NOT NULL,
    reference        TEXT NOT NULL DEFAULT '',
    notes            TEXT NOT NULL DEFAULT '',
    status           TEXT NOT NULL,
    error            TEXT NOT NULL DEFAULT '',
    unapplied_amount INTEGER NOT NULL DEFAULT 0 CHECK (unapplied_amount >= 0 AND unapplied_amount <= amount),
    created_at       TEXT NOT NULL
);
CREATE INDEX payments_org ON payments (org_id, id);
CREATE INDEX payments_org_tenant ON payments (org_id, tenant_id);

-- How much of a payment went to which charge, in the order applied.
CREATE TABLE payment_allocations (
    org_id     INTEGER NOT NULL REFERENCES organizations (id),
    payment_id INTEGER NOT NULL REFERENCES payments (id),
    charge_id  INTEGER NOT NULL REFERENCES charges (id),
    position   INTEGER NOT NULL,
    amount     INTEGER NOT NULL CHECK (amount > 0),
    PRIMARY KEY (payment_id, charge_id)
);
CREATE INDEX payment_allocations_charge ON payment_allocations (org_id, charge_id);

-- +goose Down
DROP TABLE payment_allocations;
DROP TABLE payments;
DROP TABLE charges;
