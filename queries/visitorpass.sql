-- Resident events: visitor passes.

-- name: InsertVisitorPass :one
INSERT INTO visitor_passes (org_id, property_id, unit_id, tenant_id, visitor_name, visitor_phone, expected_from, expected_until,
    status, code, notes, checked_in_at, checked_out_at, cancelled_at, created_at, updated_at)
VALUES (sqlc.arg(org_id), sqlc.arg(property_id), sqlc.arg(unit_id), sqlc.narg(tenant_id), sqlc.arg(visitor_name), sqlc.arg(visitor_phone),
    sqlc.arg(expected_from), sqlc.arg(expected_until), sqlc.arg(status), sqlc.arg(code), sqlc.arg(notes), sqlc.narg(checked_in_at),
    sqlc.narg(checked_out_at), sqlc.narg(cancelled_at), sqlc.arg(created_at), sqlc.arg(updated_at))
RETURNING id;

-- name: GetVisitorPass :one
SELECT * FROM visitor_passes WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id);

-- name: UpdateVisitorPass :execrows
UPDATE visitor_passes SET tenant_id = sqlc.narg(tenant_id), visitor_name = sqlc.arg(visitor_name), visitor_phone = sqlc.arg(visitor_phone),
    expected_from = sqlc.arg(expected_from), expected_until = sqlc.arg(expected_until), status = sqlc.arg(status), notes = sqlc.arg(notes),
    checked_in_at = sqlc.narg(checked_in_at), checked_out_at = sqlc.narg(checked_out_at), cancelled_at = sqlc.narg(cancelled_at),
    updated_at = sqlc.arg(updated_at)
WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id);

-- name: ListVisitorPasses :many
WITH capped AS (SELECT 1 FROM visitor_passes WHERE visitor_passes.org_id = sqlc.arg(org_id)
    AND (CAST(sqlc.arg(property_id) AS BIGINT) = 0 OR visitor_passes.property_id = sqlc.arg(property_id))
    AND (CAST(sqlc.arg(unit_id) AS BIGINT) = 0 OR visitor_passes.unit_id = sqlc.arg(unit_id))
    AND (CAST(sqlc.arg(tenant_id) AS BIGINT) = 0 OR visitor_passes.tenant_id = sqlc.arg(tenant_id))
    AND (sqlc.arg(status) = '' OR visitor_passes.status = sqlc.arg(status))
    AND visitor_passes.updated_at >= sqlc.arg(updated_since)
    AND visitor_passes.expected_until > sqlc.arg(visit_from) AND visitor_passes.expected_from < sqlc.arg(visit_to) LIMIT 10001)
SELECT sqlc.embed(visitor_passes), (SELECT count(*) FROM capped) AS total
FROM visitor_passes
WHERE visitor_passes.org_id = sqlc.arg(org_id)
  AND (CAST(sqlc.arg(property_id) AS BIGINT) = 0 OR visitor_passes.property_id = sqlc.arg(property_id))
  AND (CAST(sqlc.arg(unit_id) AS BIGINT) = 0 OR visitor_passes.unit_id = sqlc.arg(unit_id))
  AND (CAST(sqlc.arg(tenant_id) AS BIGINT) = 0 OR visitor_passes.tenant_id = sqlc.arg(tenant_id))
  AND (sqlc.arg(status) = '' OR visitor_passes.status = sqlc.arg(status))
  AND visitor_passes.updated_at >= sqlc.arg(updated_since)
  AND visitor_passes.expected_until > sqlc.arg(visit_from) AND visitor_passes.expected_from < sqlc.arg(visit_to)
  AND visitor_passes.id < CAST(sqlc.arg(below_id) AS BIGINT)
ORDER BY id DESC
LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off);
