-- Reports: revenue and occupancy read a range's stays, ownerships and
-- property names in a handful of queries, whatever the range.

-- name: ReportStays :many
-- Only what the reports need from the stays (confirmed, checked in or
-- checked out) with a night in [date_from, date_to).
SELECT id, property_id, unit_id, check_in, check_out, nightly_prices, currency FROM bookings
WHERE org_id = sqlc.arg(org_id)
  AND (sqlc.arg(property_id) = 0 OR property_id = sqlc.arg(property_id))
  AND status IN ('confirmed', 'checked_in', 'checked_out')
  AND check_in < sqlc.arg(date_to)
  AND check_out > sqlc.arg(date_from)
ORDER BY id;

-- name: ReportOwnerships :many
-- The ownerships in force on a day of [date_from, date_to] (included).
SELECT * FROM ownerships
WHERE org_id = sqlc.arg(org_id)
  AND (sqlc.arg(property_id) = 0 OR property_id = sqlc.arg(property_id))
  AND start_date <= sqlc.arg(date_to)
  AND (end_date IS NULL OR end_date >= sqlc.arg(date_from))
ORDER BY property_id, start_date;

-- name: ReportProperties :many
SELECT id, name FROM properties
WHERE org_id = sqlc.arg(org_id) AND (sqlc.arg(property_id) = 0 OR id = sqlc.arg(property_id))
ORDER BY id;
