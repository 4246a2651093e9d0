-- +goose Up
-- Console users can be deactivated (no sign-in, no sessions) and show when
-- they last signed in.
ALTER TABLE users ADD COLUMN deactivated_at TEXT;
ALTER TABLE users ADD COLUMN last_sign_in_at TEXT;
-- The session pruner deletes by idle and by absolute expiry.
CREATE INDEX sessions_last_seen ON sessions (last_seen_at);
CREATE INDEX sessions_created ON sessions (created_at);
-- The dashboard's counts, each answered from one covering index range
-- however many rows the organization has.
CREATE INDEX work_orders_dashboard ON work_orders (org_id, status, due_at, sla_breached_at);
CREATE INDEX charges_dashboard ON charges (org_id, status, due_date, balance);
CREATE INDEX leases_org_status_end ON leases (org_id, status, end_date);
CREATE INDEX payments_dashboard ON payments (org_id, status, created_at, amount);
CREATE INDEX webhook_deliveries_completed ON webhook_deliveries (org_id, completed_at, status)
    WHERE completed_at IS NOT NULL;

-- +goose Down
DROP INDEX webhook_deliveries_completed;
DROP INDEX payments_dashboard;
DROP INDEX leases_org_status_end;
DROP INDEX charges_dashboard;
DROP INDEX work_orders_dashboard;
DROP INDEX sessions_created;
DROP INDEX sessions_last_seen;
ALTER TABLE users DROP COLUMN last_sign_in_at;
ALTER TABLE users DROP COLUMN deactivated_at;
