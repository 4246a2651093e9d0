-- Short-term rentals: iCal export feeds, import sources and the events
-- they imported.

-- name: GetICalExport :one
SELECT * FROM ical_exports WHERE org_id = sqlc.arg(org_id) AND unit_id = sqlc.arg(unit_id);

-- name: GetICalExportByToken :one
SELECT org_id, unit_id FROM ical_exports WHERE token_hash = sqlc.arg(token_hash);

-- name: UpsertICalExport :exec
INSERT INTO ical_exports (org_id, unit_id, token_hash, token_sealed, created_at)
VALUES (sqlc.arg(org_id), sqlc.arg(unit_id), sqlc.arg(token_hash), sqlc.arg(token_sealed), sqlc.arg(created_at))
ON CONFLICT (org_id, unit_id) DO UPDATE SET token_hash = excluded.token_hash, token_sealed = excluded.token_sealed,
    created_at = excluded.created_at;

-- name: InsertICalSource :one
INSERT INTO ical_sources (org_id, property_id, unit_id, name, url, currency, status, last_error, created_at, updated_at)
VALUES (sqlc.arg(org_id), sqlc.arg(property_id), sqlc.arg(unit_id), sqlc.arg(name), sqlc.arg(url), sqlc.arg(currency), sqlc.arg(status),
    sqlc.arg(last_error), sqlc.arg(created_at), sqlc.arg(updated_at))
RETURNING id;

-- name: GetICalSource :one
SELECT * FROM ical_sources WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id);

-- name: UpdateICalSource :execrows
UPDATE ical_sources SET name = sqlc.arg(name), url = sqlc.arg(url), currency = sqlc.arg(currency), status = sqlc.arg(status),
    last_error = sqlc.arg(last_error), last_attempt_at = sqlc.narg(last_attempt_at),
    last_synced_at = sqlc.narg(last_synced_at), updated_at = sqlc.arg(updated_at)
WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id);

-- name: DeleteICalSource :execrows
DELETE FROM ical_sources WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id);

-- name: ListICalSources :many
WITH capped AS (SELECT 1 FROM ical_sources WHERE ical_sources.org_id = sqlc.arg(org_id)
    AND (CAST(sqlc.arg(property_id) AS BIGINT) = 0 OR ical_sources.property_id = sqlc.arg(property_id))
    AND (CAST(sqlc.arg(unit_id) AS BIGINT) = 0 OR ical_sources.unit_id = sqlc.arg(unit_id))
    AND (sqlc.arg(status) = '' OR ical_sources.status = sqlc.arg(status))
    AND ical_sources.updated_at >= sqlc.arg(updated_since) LIMIT 10001)
SELECT sqlc.embed(ical_sources), (SELECT count(*) FROM capped) AS total
FROM ical_sources
WHERE ical_sources.org_id = sqlc.arg(org_id)
  AND (CAST(sqlc.arg(property_id) AS BIGINT) = 0 OR ical_sources.property_id = sqlc.arg(property_id))
  AND (CAST(sqlc.arg(unit_id) AS BIGINT) = 0 OR ical_sources.unit_id = sqlc.arg(unit_id))
  AND (sqlc.arg(status) = '' OR ical_sources.status = sqlc.arg(status))
  AND ical_sources.updated_at >= sqlc.arg(updated_since)
  AND ical_sources.id < CAST(sqlc.arg(below_id) AS BIGINT)
ORDER BY id DESC
LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off);

-- name: DueICalSources :many
-- The sources not attempted since before, for the scheduler.
SELECT id FROM ical_sources
WHERE org_id = sqlc.arg(org_id) AND (last_attempt_at IS NULL OR last_attempt_at < sqlc.arg(before))
ORDER BY id;

-- name: ClaimICalSource :one
-- Leases one source's run to the caller until until: a node whose claim
-- returns no row leaves the source to the node that holds it.
UPDATE ical_sources SET lease_until = sqlc.arg(until)
WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id) AND (lease_until IS NULL OR lease_until < sqlc.arg(now))
  AND (last_attempt_at IS NULL OR last_attempt_at < sqlc.arg(before))
RETURNING id;

-- name: ReleaseICalSource :exec
UPDATE ical_sources SET lease_until = NULL WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id);

-- name: ListICalLinks :many
SELECT * FROM ical_links WHERE org_id = sqlc.arg(org_id) AND source_id = sqlc.arg(source_id) ORDER BY uid;

-- name: UpsertICalLink :exec
INSERT INTO ical_links (org_id, source_id, uid, booking_id, conflict_dates)
VALUES (sqlc.arg(org_id), sqlc.arg(source_id), sqlc.arg(uid), sqlc.arg(booking_id), sqlc.arg(conflict_dates))
ON CONFLICT (org_id, source_id, uid) DO UPDATE SET booking_id = excluded.booking_id, conflict_dates = excluded.conflict_dates;

-- name: DeleteICalLink :exec
DELETE FROM ical_links WHERE org_id = sqlc.arg(org_id) AND source_id = sqlc.arg(source_id) AND uid = sqlc.arg(uid);

-- name: DeleteICalLinks :exec
DELETE FROM ical_links WHERE org_id = sqlc.arg(org_id) AND source_id = sqlc.arg(source_id);
