-- name: ListLeaseTenantsIn :many
SELECT lease_id, tenant_id FROM lease_tenants
WHERE org_id = sqlc.arg(org_id) AND lease_id = ANY (sqlc.arg(lease_ids)::bigint[])
ORDER BY lease_id, position;

-- LockLease reads a lease for a state change and holds its row until the
-- transaction ends, so that concurrent transitions and scheduler passes on
-- several nodes serialize instead of both firing events. (SQLite needs no
-- lock: its write transactions already run one at a time.)
-- name: GetLeaseForUpdate :one
SELECT * FROM leases WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id) FOR UPDATE;

-- LockLeaseUnit serializes activations on one unit, so that two
-- overlapping leases cannot both pass the overlap check.
-- name: LockLeaseUnit :one
SELECT id FROM units WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id) FOR UPDATE;
