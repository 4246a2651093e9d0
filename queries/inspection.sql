-- name: InsertInspection :one
INSERT INTO inspections (org_id, property_id, unit_id, kind, scheduled_for, inspector, status, notes,
                         started_at, completed_at, reviewed_at, rejection_reason, created_at, updated_at)
VALUES (sqlc.arg(org_id), sqlc.arg(property_id), sqlc.narg(unit_id), sqlc.arg(kind), sqlc.arg(scheduled_for),
        sqlc.arg(inspector), sqlc.arg(status), sqlc.arg(notes), sqlc.narg(started_at), sqlc.narg(completed_at),
        sqlc.narg(reviewed_at), sqlc.arg(rejection_reason), sqlc.arg(created_at), sqlc.arg(updated_at))
RETURNING id;

-- name: GetInspection :one
SELECT * FROM inspections WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id);

-- name: UpdateInspection :execrows
UPDATE inspections
SET property_id = sqlc.arg(property_id), unit_id = sqlc.narg(unit_id), kind = sqlc.arg(kind),
    scheduled_for = sqlc.arg(scheduled_for), inspector = sqlc.arg(inspector), status = sqlc.arg(status),
    notes = sqlc.arg(notes), started_at = sqlc.narg(started_at), completed_at = sqlc.narg(completed_at),
    reviewed_at = sqlc.narg(reviewed_at), rejection_reason = sqlc.arg(rejection_reason),
    updated_at = sqlc.arg(updated_at)
WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id);

-- name: ListInspections :many
-- The total counts at most porter.TotalCap+1 rows: a page costs the same
-- however many match.
WITH capped AS (SELECT 1 FROM inspections WHERE inspections.org_id = sqlc.arg(org_id) AND (sqlc.arg(status) = '' OR inspections.status = sqlc.arg(status)) AND (sqlc.arg(property_id) = 0 OR inspections.property_id = sqlc.arg(property_id)) AND (sqlc.arg(unit_filter) = 0 OR COALESCE(inspections.unit_id, 0) = sqlc.arg(unit_filter)) AND inspections.updated_at >= sqlc.arg(updated_since) LIMIT 10001)
SELECT sqlc.embed(inspections), (SELECT count(*) FROM capped) AS total
FROM inspections
WHERE inspections.org_id = sqlc.arg(org_id)
  AND (sqlc.arg(status) = '' OR inspections.status = sqlc.arg(status))
  AND (sqlc.arg(property_id) = 0 OR inspections.property_id = sqlc.arg(property_id))
  AND (sqlc.arg(unit_filter) = 0 OR COALESCE(inspections.unit_id, 0) = sqlc.arg(unit_filter))
  AND inspections.updated_at >= sqlc.arg(updated_since)
  AND inspections.id < CAST(sqlc.arg(below_id) AS BIGINT)
ORDER BY id DESC
LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off);

-- name: InsertInspectionItem :one
INSERT INTO inspection_items (org_id, inspection_id, label, result, notes)
VALUES (sqlc.arg(org_id), sqlc.arg(inspection_id), sqlc.arg(label), sqlc.arg(result), sqlc.arg(notes))
RETURNING id;

-- name: UpdateInspectionItem :execrows
UPDATE inspection_items SET label = sqlc.arg(label), result = sqlc.arg(result), notes = sqlc.arg(notes)
WHERE org_id = sqlc.arg(org_id) AND inspection_id = sqlc.arg(inspection_id) AND id = sqlc.arg(id);

-- name: ListInspectionItems :many
SELECT * FROM inspection_items
WHERE org_id = sqlc.arg(org_id) AND inspection_id = sqlc.arg(inspection_id)
ORDER BY id;
