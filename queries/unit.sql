-- name: InsertUnit :one
INSERT INTO units (org_id, property_id, name, floor, bedrooms, bathrooms, area_sqm, market_rent, status, created_at, updated_at)
VALUES (sqlc.arg(org_id), sqlc.arg(property_id), sqlc.arg(name), sqlc.arg(floor), sqlc.arg(bedrooms), sqlc.arg(bathrooms),
        sqlc.arg(area_sqm), sqlc.arg(market_rent), sqlc.arg(status), sqlc.arg(created_at), sqlc.arg(updated_at))
RETURNING id;

-- name: GetUnit :one
SELECT * FROM units WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id);

-- name: UpdateUnit :execrows
UPDATE units
SET property_id = sqlc.arg(property_id), name = sqlc.arg(name), floor = sqlc.arg(floor), bedrooms = sqlc.arg(bedrooms),
    bathrooms = sqlc.arg(bathrooms), area_sqm = sqlc.arg(area_sqm), market_rent = sqlc.arg(market_rent),
    status = sqlc.arg(status), updated_at = sqlc.arg(updated_at)
WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id);

-- name: ListUnits :many
-- The total counts at most porter.TotalCap+1 rows: a page costs the same
-- however many match.
WITH capped AS (SELECT 1 FROM units WHERE units.org_id = sqlc.arg(org_id) AND (sqlc.arg(property_id) = 0 OR units.property_id = sqlc.arg(property_id)) AND (sqlc.arg(status) = '' OR units.status = sqlc.arg(status)) AND units.updated_at >= sqlc.arg(updated_since) LIMIT 10001)
SELECT sqlc.embed(units), (SELECT count(*) FROM capped) AS total
FROM units
WHERE units.org_id = sqlc.arg(org_id)
  AND (sqlc.arg(property_id) = 0 OR units.property_id = sqlc.arg(property_id))
  AND (sqlc.arg(status) = '' OR units.status = sqlc.arg(status))
  AND units.updated_at >= sqlc.arg(updated_since)
  AND units.id < CAST(sqlc.arg(below_id) AS BIGINT)
ORDER BY id DESC
LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off);
