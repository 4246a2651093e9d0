-- Facilities: meters and their readings. The batch insert of readings and
-- the downsampled series are hand-written per engine (sqlite/meter.go,
-- postgres/meter.go).

-- name: InsertMeter :one
INSERT INTO meters (org_id, property_id, unit_id, asset_id, name, kind, unit_of_measure, external_ref, created_at, updated_at)
VALUES (sqlc.arg(org_id), sqlc.arg(property_id), sqlc.narg(unit_id), sqlc.narg(asset_id), sqlc.arg(name), sqlc.arg(kind),
    sqlc.arg(unit_of_measure), sqlc.narg(external_ref), sqlc.arg(created_at), sqlc.arg(updated_at))
RETURNING id;

-- name: GetMeter :one
SELECT * FROM meters WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id);

-- name: GetMeterByExternalRef :one
SELECT * FROM meters WHERE org_id = sqlc.arg(org_id) AND external_ref = sqlc.arg(external_ref);

-- name: UpdateMeter :execrows
UPDATE meters SET property_id = sqlc.arg(property_id), unit_id = sqlc.narg(unit_id), asset_id = sqlc.narg(asset_id),
    name = sqlc.arg(name), kind = sqlc.arg(kind), unit_of_measure = sqlc.arg(unit_of_measure),
    external_ref = sqlc.narg(external_ref), updated_at = sqlc.arg(updated_at)
WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id);

-- name: DeleteMeterReadings :exec
DELETE FROM meter_readings WHERE org_id = sqlc.arg(org_id) AND meter_id = sqlc.arg(meter_id);

-- name: DeleteMeter :execrows
DELETE FROM meters WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id);

-- name: ListMeters :many
WITH capped AS (SELECT 1 FROM meters WHERE meters.org_id = sqlc.arg(org_id)
    AND (CAST(sqlc.arg(property_id) AS BIGINT) = 0 OR meters.property_id = sqlc.arg(property_id))
    AND (CAST(sqlc.arg(unit_id) AS BIGINT) = 0 OR meters.unit_id = sqlc.arg(unit_id))
    AND (CAST(sqlc.arg(asset_id) AS BIGINT) = 0 OR meters.asset_id = sqlc.arg(asset_id))
    AND (sqlc.arg(kind) = '' OR meters.kind = sqlc.arg(kind))
    AND meters.updated_at >= sqlc.arg(updated_since) LIMIT 10001)
SELECT sqlc.embed(meters), (SELECT count(*) FROM capped) AS total
FROM meters
WHERE meters.org_id = sqlc.arg(org_id)
  AND (CAST(sqlc.arg(property_id) AS BIGINT) = 0 OR meters.property_id = sqlc.arg(property_id))
  AND (CAST(sqlc.arg(unit_id) AS BIGINT) = 0 OR meters.unit_id = sqlc.arg(unit_id))
  AND (CAST(sqlc.arg(asset_id) AS BIGINT) = 0 OR meters.asset_id = sqlc.arg(asset_id))
  AND (sqlc.arg(kind) = '' OR meters.kind = sqlc.arg(kind))
  AND meters.updated_at >= sqlc.arg(updated_since)
  AND meters.id < CAST(sqlc.arg(below_id) AS BIGINT)
ORDER BY id DESC
LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off);

-- name: ListMeterReadings :many
-- Newest reading first (by read_at, then id); after_id continues after
-- that reading in this order.
WITH capped AS (SELECT 1 FROM meter_readings WHERE meter_readings.org_id = sqlc.arg(org_id)
    AND meter_readings.meter_id = sqlc.arg(meter_id)
    AND meter_readings.read_at >= sqlc.arg(read_from) AND meter_readings.read_at < sqlc.arg(read_to) LIMIT 10001)
SELECT sqlc.embed(meter_readings), (SELECT count(*) FROM capped) AS total
FROM meter_readings
WHERE meter_readings.org_id = sqlc.arg(org_id)
  AND meter_readings.meter_id = sqlc.arg(meter_id)
  AND meter_readings.read_at >= sqlc.arg(read_from) AND meter_readings.read_at < sqlc.arg(read_to)
  AND (CAST(sqlc.arg(after_id) AS BIGINT) = 0
    OR meter_readings.read_at < (SELECT c.read_at FROM meter_readings c WHERE c.org_id = sqlc.arg(org_id) AND c.id = sqlc.arg(after_id))
    OR (meter_readings.read_at = (SELECT c.read_at FROM meter_readings c WHERE c.org_id = sqlc.arg(org_id) AND c.id = sqlc.arg(after_id))
        AND meter_readings.id < sqlc.arg(after_id)))
ORDER BY meter_readings.read_at DESC, meter_readings.id DESC
LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off);
