-- Reports: revenue and occupancy read a range's stays, ownerships and
-- property names in a handful of queries, whatever the range.

-- name: ReportStays :many
-- Only what the revenue report needs from the stays (confirmed, checked in or
-- checked out) with a night in [date_from, date_to), in no order: each
-- column read costs, and the nights' dates are in nightly_prices.
SELECT property_id, unit_id, currency, nightly_prices FROM bookings
WHERE org_id = sqlc.arg(org_id)
  AND (sqlc.arg(property_id) = 0 OR property_id = sqlc.arg(property_id))
  AND status IN ('confirmed', 'checked_in', 'checked_out')
  AND check_in < sqlc.arg(date_to)
  AND check_out > sqlc.arg(date_from);

-- name: ReportStayDates :many
-- ReportStays without the prices, for occupancy.
SELECT property_id, unit_id, check_in, check_out FROM bookings
WHERE org_id = sqlc.arg(org_id)
  AND (sqlc.arg(property_id) = 0 OR property_id = sqlc.arg(property_id))
  AND status IN ('confirmed', 'checked_in', 'checked_out')
  AND check_in < sqlc.arg(date_to)
  AND check_out > sqlc.arg(date_from);

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
