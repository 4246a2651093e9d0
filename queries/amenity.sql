-- Resident events: amenities and their bookings.

-- name: InsertAmenity :one
INSERT INTO amenities (org_id, property_id, name, description, capacity, status, created_at, updated_at)
VALUES (sqlc.arg(org_id), sqlc.arg(property_id), sqlc.arg(name), sqlc.arg(description), sqlc.arg(capacity), sqlc.arg(status),
    sqlc.arg(created_at), sqlc.arg(updated_at))
RETURNING id;

-- name: GetAmenity :one
SELECT * FROM amenities WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id);

-- name: UpdateAmenity :execrows
UPDATE amenities SET name = sqlc.arg(name), description = sqlc.arg(description), capacity = sqlc.arg(capacity),
    status = sqlc.arg(status), updated_at = sqlc.arg(updated_at)
WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id);

-- name: DeleteAmenity :execrows
DELETE FROM amenities WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id);

-- name: CountAmenityBookings :one
SELECT count(*) FROM amenity_bookings WHERE org_id = sqlc.arg(org_id) AND amenity_id = sqlc.arg(amenity_id);

-- name: ListAmenities :many
WITH capped AS (SELECT 1 FROM amenities WHERE amenities.org_id = sqlc.arg(org_id)
    AND (CAST(sqlc.arg(property_id) AS BIGINT) = 0 OR amenities.property_id = sqlc.arg(property_id))
    AND (sqlc.arg(status) = '' OR amenities.status = sqlc.arg(status))
    AND amenities.updated_at >= sqlc.arg(updated_since) LIMIT 10001)
SELECT sqlc.embed(amenities), (SELECT count(*) FROM capped) AS total
FROM amenities
WHERE amenities.org_id = sqlc.arg(org_id)
  AND (CAST(sqlc.arg(property_id) AS BIGINT) = 0 OR amenities.property_id = sqlc.arg(property_id))
  AND (sqlc.arg(status) = '' OR amenities.status = sqlc.arg(status))
  AND amenities.updated_at >= sqlc.arg(updated_since)
  AND amenities.id < CAST(sqlc.arg(below_id) AS BIGINT)
ORDER BY id DESC
LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off);

-- name: InsertAmenityBooking :one
INSERT INTO amenity_bookings (org_id, amenity_id, property_id, tenant_id, starts_at, ends_at, status, notes, cancelled_at, created_at, updated_at)
VALUES (sqlc.arg(org_id), sqlc.arg(amenity_id), sqlc.arg(property_id), sqlc.arg(tenant_id), sqlc.arg(starts_at), sqlc.arg(ends_at),
    sqlc.arg(status), sqlc.arg(notes), sqlc.narg(cancelled_at), sqlc.arg(created_at), sqlc.arg(updated_at))
RETURNING id;

-- name: GetAmenityBooking :one
SELECT * FROM amenity_bookings WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id);

-- name: UpdateAmenityBooking :execrows
UPDATE amenity_bookings SET status = sqlc.arg(status), notes = sqlc.arg(notes), cancelled_at = sqlc.narg(cancelled_at),
    updated_at = sqlc.arg(updated_at)
WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id);

-- name: OverlappingAmenityBookings :many
-- The confirmed bookings of an amenity that share some time with
-- [starts_at, ends_at): end and start may touch.
SELECT * FROM amenity_bookings
WHERE org_id = sqlc.arg(org_id) AND amenity_id = sqlc.arg(amenity_id) AND status = 'confirmed'
  AND starts_at < sqlc.arg(ends_at) AND ends_at > sqlc.arg(starts_at)
ORDER BY starts_at, id;

-- name: ListAmenityBookings :many
WITH capped AS (SELECT 1 FROM amenity_bookings WHERE amenity_bookings.org_id = sqlc.arg(org_id)
    AND (CAST(sqlc.arg(amenity_id) AS BIGINT) = 0 OR amenity_bookings.amenity_id = sqlc.arg(amenity_id))
    AND (CAST(sqlc.arg(tenant_id) AS BIGINT) = 0 OR amenity_bookings.tenant_id = sqlc.arg(tenant_id))
    AND (sqlc.arg(status) = '' OR amenity_bookings.status = sqlc.arg(status))
    AND amenity_bookings.updated_at >= sqlc.arg(updated_since) LIMIT 10001)
SELECT sqlc.embed(amenity_bookings), (SELECT count(*) FROM capped) AS total
FROM amenity_bookings
WHERE amenity_bookings.org_id = sqlc.arg(org_id)
  AND (CAST(sqlc.arg(amenity_id) AS BIGINT) = 0 OR amenity_bookings.amenity_id = sqlc.arg(amenity_id))
  AND (CAST(sqlc.arg(tenant_id) AS BIGINT) = 0 OR amenity_bookings.tenant_id = sqlc.arg(tenant_id))
  AND (sqlc.arg(status) = '' OR amenity_bookings.status = sqlc.arg(status))
  AND amenity_bookings.updated_at >= sqlc.arg(updated_since)
  AND amenity_bookings.id < CAST(sqlc.arg(below_id) AS BIGINT)
ORDER BY id DESC
LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off);
