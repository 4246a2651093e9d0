-- name: InsertVendor :one
INSERT INTO vendors (org_id, name, trade, email, phone, status, created_at, updated_at)
VALUES (sqlc.arg(org_id), sqlc.arg(name), sqlc.arg(trade), sqlc.arg(email), sqlc.arg(phone), sqlc.arg(status),
        sqlc.arg(created_at), sqlc.arg(updated_at))
RETURNING id;

-- name: GetVendor :one
SELECT * FROM vendors WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id);

-- name: UpdateVendor :execrows
UPDATE vendors
SET name = sqlc.arg(name), trade = sqlc.arg(trade), email = sqlc.arg(email), phone = sqlc.arg(phone),
    status = sqlc.arg(status), updated_at = sqlc.arg(updated_at)
WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id);

-- name: ListVendors :many
-- The total counts at most porter.TotalCap+1 rows: a page costs the same
-- however many match.
WITH capped AS (SELECT 1 FROM vendors WHERE vendors.org_id = sqlc.arg(org_id) AND (sqlc.arg(status) = '' OR vendors.status = sqlc.arg(status)) AND (sqlc.arg(trade) = '' OR vendors.trade = sqlc.arg(trade)) AND vendors.updated_at >= sqlc.arg(updated_since) LIMIT 10001)
SELECT sqlc.embed(vendors), (SELECT count(*) FROM capped) AS total
FROM vendors
WHERE vendors.org_id = sqlc.arg(org_id)
  AND (sqlc.arg(status) = '' OR vendors.status = sqlc.arg(status))
  AND (sqlc.arg(trade) = '' OR vendors.trade = sqlc.arg(trade))
  AND vendors.updated_at >= sqlc.arg(updated_since)
  AND vendors.id < CAST(sqlc.arg(below_id) AS BIGINT)
ORDER BY id DESC
LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off);
