-- name: InsertStaff :one
INSERT INTO staff (org_id, name, email, phone, role, created_at, updated_at)
VALUES (sqlc.arg(org_id), sqlc.arg(name), sqlc.arg(email), sqlc.arg(phone), sqlc.arg(role),
        sqlc.arg(created_at), sqlc.arg(updated_at))
RETURNING id;

-- name: GetStaff :one
SELECT * FROM staff WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id);

-- name: UpdateStaff :execrows
UPDATE staff
SET name = sqlc.arg(name), email = sqlc.arg(email), phone = sqlc.arg(phone), role = sqlc.arg(role),
    updated_at = sqlc.arg(updated_at)
WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id);

-- name: ListStaff :many
-- The total counts at most porter.TotalCap+1 rows: a page costs the same
-- however many match.
WITH capped AS (SELECT 1 FROM staff WHERE staff.org_id = sqlc.arg(org_id) AND (sqlc.arg(role) = '' OR staff.role = sqlc.arg(role)) AND staff.updated_at >= sqlc.arg(updated_since) LIMIT 10001)
SELECT sqlc.embed(staff), (SELECT count(*) FROM capped) AS total
FROM staff
WHERE staff.org_id = sqlc.arg(org_id)
  AND (sqlc.arg(role) = '' OR staff.role = sqlc.arg(role))
  AND staff.updated_at >= sqlc.arg(updated_since)
  AND staff.id < CAST(sqlc.arg(below_id) AS BIGINT)
ORDER BY id DESC
LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off);
