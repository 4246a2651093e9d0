-- name: InsertProperty :one
INSERT INTO properties (org_id, name, address, city, postal_code, country, status, created_at, updated_at)
VALUES (sqlc.arg(org_id), sqlc.arg(name), sqlc.arg(address), sqlc.arg(city), sqlc.arg(postal_code),
        sqlc.arg(country), sqlc.arg(status), sqlc.arg(created_at), sqlc.arg(updated_at))
RETURNING id;

-- name: GetProperty :one
SELECT * FROM properties WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id);

-- name: UpdateProperty :execrows
UPDATE properties
SET name = sqlc.arg(name), address = sqlc.arg(address), city = sqlc.arg(city),
    postal_code = sqlc.arg(postal_code), country = sqlc.arg(country), status = sqlc.arg(status),
    updated_at = sqlc.arg(updated_at), archived_at = sqlc.narg(archived_at)
WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id);

-- name: ListProperties :many
-- The total counts at most porter.TotalCap+1 rows: a page costs the same
-- however many match.
WITH capped AS (SELECT 1 FROM properties WHERE properties.org_id = sqlc.arg(org_id) AND (sqlc.arg(status) = '' OR properties.status = sqlc.arg(status)) AND properties.updated_at >= sqlc.arg(updated_since) LIMIT 10001)
SELECT sqlc.embed(properties), (SELECT count(*) FROM capped) AS total
FROM properties
WHERE properties.org_id = sqlc.arg(org_id)
  AND (sqlc.arg(status) = '' OR properties.status = sqlc.arg(status))
  AND properties.updated_at >= sqlc.arg(updated_since)
  AND properties.id < CAST(sqlc.arg(below_id) AS BIGINT)
ORDER BY id DESC
LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off);
