-- name: InsertLease :one
INSERT INTO leases (org_id, unit_id, status, start_date, end_date, monthly_rent, deposit, created_at, updated_at,
                    activated_at, terminated_at, termination_reason)
VALUES (sqlc.arg(org_id), sqlc.arg(unit_id), sqlc.arg(status), sqlc.arg(start_date), sqlc.arg(end_date),
        sqlc.arg(monthly_rent), sqlc.arg(deposit), sqlc.arg(created_at), sqlc.arg(updated_at),
        sqlc.narg(activated_at), sqlc.narg(terminated_at), sqlc.arg(termination_reason))
RETURNING id;

-- name: GetLease :one
SELECT * FROM leases WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id);

-- name: UpdateLease :execrows
UPDATE leases
SET unit_id = sqlc.arg(unit_id), status = sqlc.arg(status), start_date = sqlc.arg(start_date),
    end_date = sqlc.arg(end_date), monthly_rent = sqlc.arg(monthly_rent), deposit = sqlc.arg(deposit),
    updated_at = sqlc.arg(updated_at), activated_at = sqlc.narg(activated_at),
    terminated_at = sqlc.narg(terminated_at), termination_reason = sqlc.arg(termination_reason)
WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id);

-- name: ListLeases :many
-- The total counts at most porter.TotalCap+1 rows: a page costs the same
-- however many match.
WITH capped AS (SELECT 1 FROM leases WHERE leases.org_id = sqlc.arg(org_id) AND (sqlc.arg(status) = '' OR leases.status = sqlc.arg(status)) AND (sqlc.arg(unit_id) = 0 OR leases.unit_id = sqlc.arg(unit_id)) AND (sqlc.arg(tenant_id) = 0 OR leases.id IN ( SELECT lt.lease_id FROM lease_tenants lt WHERE lt.org_id = sqlc.arg(org_id) AND lt.tenant_id = sqlc.arg(tenant_id))) AND (sqlc.arg(property_id) = 0 OR leases.unit_id IN ( SELECT u.id FROM units u WHERE u.org_id = sqlc.arg(org_id) AND u.property_id = sqlc.arg(property_id))) AND leases.updated_at >= sqlc.arg(updated_since) LIMIT 10001)
SELECT sqlc.embed(leases), (SELECT count(*) FROM capped) AS total
FROM leases
WHERE leases.org_id = sqlc.arg(org_id)
  AND (sqlc.arg(status) = '' OR leases.status = sqlc.arg(status))
  AND (sqlc.arg(unit_id) = 0 OR leases.unit_id = sqlc.arg(unit_id))
  AND (sqlc.arg(tenant_id) = 0 OR leases.id IN (
        SELECT lt.lease_id FROM lease_tenants lt WHERE lt.org_id = sqlc.arg(org_id) AND lt.tenant_id = sqlc.arg(tenant_id)))
  AND (sqlc.arg(property_id) = 0 OR leases.unit_id IN (
        SELECT u.id FROM units u WHERE u.org_id = sqlc.arg(org_id) AND u.property_id = sqlc.arg(property_id)))
  AND leases.updated_at >= sqlc.arg(updated_since)
  AND leases.id < CAST(sqlc.arg(below_id) AS BIGINT)
ORDER BY leases.id DESC
LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off);

-- name: InsertLeaseTenant :exec
INSERT INTO lease_tenants (org_id, lease_id, tenant_id, position)
VALUES (sqlc.arg(org_id), sqlc.arg(lease_id), sqlc.arg(tenant_id), sqlc.arg(position));

-- name: DeleteLeaseTenants :exec
DELETE FROM lease_tenants WHERE org_id = sqlc.arg(org_id) AND lease_id = sqlc.arg(lease_id);

-- Dates are inclusive YYYY-MM-DD text, so string order is date order.
-- name: CountOverlappingLeases :one
SELECT count(*) FROM leases
WHERE org_id = sqlc.arg(org_id) AND unit_id = sqlc.arg(unit_id) AND status = 'active'
  AND id <> sqlc.arg(exclude_id)
  AND start_date <= sqlc.arg(end_date) AND end_date >= sqlc.arg(start_date);

-- name: ListActiveLeasesEndingBy :many
SELECT * FROM leases
WHERE org_id = sqlc.arg(org_id) AND status = 'active' AND end_date <= sqlc.arg(end_date)
ORDER BY id;

-- name: InsertLeaseAlert :execrows
INSERT INTO lease_alerts (org_id, lease_id, threshold_days, end_date, status, created_at)
VALUES (sqlc.arg(org_id), sqlc.arg(lease_id), sqlc.arg(threshold_days), sqlc.arg(end_date), sqlc.arg(status),
        sqlc.arg(created_at))
ON CONFLICT (lease_id, threshold_days, end_date) DO NOTHING;
