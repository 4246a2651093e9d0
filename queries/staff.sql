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
SELECT sqlc.embed(staff), count(*) OVER () AS total
FROM staff
WHERE org_id = sqlc.arg(org_id)
  AND (sqlc.arg(role) = '' OR role = sqlc.arg(role))
  AND updated_at >= sqlc.arg(updated_since)
ORDER BY id DESC
LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off);
