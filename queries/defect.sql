-- Facilities: defects and snagging items.

-- name: InsertDefect :one
INSERT INTO defects (org_id, property_id, unit_id, asset_id, title, description, location, severity, status, source,
    external_ref, work_order_id, resolution, started_at, resolved_at, rejected_at, created_at, updated_at)
VALUES (sqlc.arg(org_id), sqlc.arg(property_id), sqlc.narg(unit_id), sqlc.narg(asset_id), sqlc.arg(title), sqlc.arg(description),
    sqlc.arg(location), sqlc.arg(severity), sqlc.arg(status), sqlc.arg(source), sqlc.narg(external_ref), sqlc.narg(work_order_id),
    sqlc.arg(resolution), sqlc.narg(started_at), sqlc.narg(resolved_at), sqlc.narg(rejected_at), sqlc.arg(created_at), sqlc.arg(updated_at))
RETURNING id;

-- name: GetDefect :one
SELECT * FROM defects WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id);

-- name: GetDefectByExternalRef :one
SELECT * FROM defects WHERE org_id = sqlc.arg(org_id) AND source = sqlc.arg(source) AND external_ref = sqlc.arg(external_ref);

-- name: UpdateDefect :execrows
UPDATE defects SET property_id = sqlc.arg(property_id), unit_id = sqlc.narg(unit_id), asset_id = sqlc.narg(asset_id),
    title = sqlc.arg(title), description = sqlc.arg(description), location = sqlc.arg(location), severity = sqlc.arg(severity),
    status = sqlc.arg(status), work_order_id = sqlc.narg(work_order_id), resolution = sqlc.arg(resolution),
    started_at = sqlc.narg(started_at), resolved_at = sqlc.narg(resolved_at), rejected_at = sqlc.narg(rejected_at),
    updated_at = sqlc.arg(updated_at)
WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id);

-- name: ListDefects :many
WITH capped AS (SELECT 1 FROM defects WHERE defects.org_id = sqlc.arg(org_id)
    AND (CAST(sqlc.arg(property_id) AS BIGINT) = 0 OR defects.property_id = sqlc.arg(property_id))
    AND (CAST(sqlc.arg(unit_id) AS BIGINT) = 0 OR defects.unit_id = sqlc.arg(unit_id))
    AND (CAST(sqlc.arg(asset_id) AS BIGINT) = 0 OR defects.asset_id = sqlc.arg(asset_id))
    AND (sqlc.arg(status) = '' OR defects.status = sqlc.arg(status))
    AND (sqlc.arg(severity) = '' OR defects.severity = sqlc.arg(severity))
    AND (sqlc.arg(source) = '' OR defects.source = sqlc.arg(source))
    AND defects.updated_at >= sqlc.arg(updated_since) LIMIT 10001)
SELECT sqlc.embed(defects), (SELECT count(*) FROM capped) AS total
FROM defects
WHERE defects.org_id = sqlc.arg(org_id)
  AND (CAST(sqlc.arg(property_id) AS BIGINT) = 0 OR defects.property_id = sqlc.arg(property_id))
  AND (CAST(sqlc.arg(unit_id) AS BIGINT) = 0 OR defects.unit_id = sqlc.arg(unit_id))
  AND (CAST(sqlc.arg(asset_id) AS BIGINT) = 0 OR defects.asset_id = sqlc.arg(asset_id))
  AND (sqlc.arg(status) = '' OR defects.status = sqlc.arg(status))
  AND (sqlc.arg(severity) = '' OR defects.severity = sqlc.arg(severity))
  AND (sqlc.arg(source) = '' OR defects.source = sqlc.arg(source))
  AND defects.updated_at >= sqlc.arg(updated_since)
  AND defects.id < CAST(sqlc.arg(below_id) AS BIGINT)
ORDER BY id DESC
LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off);

-- name: UpdateOrganizationFacilitySettings :exec
-- Facilities: whether handover defects become work orders.
UPDATE organizations SET defects_as_work_orders = sqlc.arg(defects_as_work_orders) WHERE id = sqlc.arg(id);
