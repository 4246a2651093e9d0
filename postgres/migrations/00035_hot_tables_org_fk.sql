-- +goose Up
-- Every API write inserts an event and an audit entry, and every event a
-- delivery; each insert's foreign key to organizations took a KEY SHARE
-- lock on the organization's one row, and concurrent writers of one
-- organization all locking that row made PostgreSQL build a multixact
-- for it on nearly every insert: 37 µs of the database's time each, three
-- per write, at 500 writes a second. These three tables are written only
-- by Porter with the organization of the transaction writing them, and
-- organizations are never deleted, so the constraint guarded nothing.
ALTER TABLE events DROP CONSTRAINT events_org_id_fkey;
ALTER TABLE audit_log DROP CONSTRAINT audit_log_org_id_fkey;
ALTER TABLE webhook_deliveries DROP CONSTRAINT webhook_deliveries_org_id_fkey;

-- +goose Down
ALTER TABLE events ADD CONSTRAINT events_org_id_fkey FOREIGN KEY (org_id) REFERENCES organizations (id);
ALTER TABLE audit_log ADD CONSTRAINT audit_log_org_id_fkey FOREIGN KEY (org_id) REFERENCES organizations (id);
ALTER TABLE webhook_deliveries ADD CONSTRAINT webhook_deliveries_org_id_fkey FOREIGN KEY (org_id) REFERENCES organizations (id);
