-- Short-term rentals: bookings, their payments, blocks, seasonal rates.

-- name: InsertBooking :one
INSERT INTO bookings (org_id, reference, property_id, unit_id, status, source, guest_name, guest_email, guest_phone,
                      guests_count, check_in, check_out, nights, nightly_prices, accommodation, fees, taxes, total,
                      amount_paid, currency, notes, cancellation_reason, confirmed_at, checked_in_at, checked_out_at,
                      cancelled_at, no_show_at, created_at, updated_at)
VALUES (sqlc.arg(org_id), sqlc.arg(reference), sqlc.arg(property_id), sqlc.arg(unit_id), sqlc.arg(status),
        sqlc.arg(source), sqlc.arg(guest_name), sqlc.arg(guest_email), sqlc.arg(guest_phone), sqlc.arg(guests_count),
        sqlc.arg(check_in), sqlc.arg(check_out), sqlc.arg(nights), sqlc.arg(nightly_prices), sqlc.arg(accommodation),
        sqlc.arg(fees), sqlc.arg(taxes), sqlc.arg(total), sqlc.arg(amount_paid), sqlc.arg(currency), sqlc.arg(notes),
        sqlc.arg(cancellation_reason), sqlc.arg(confirmed_at), sqlc.arg(checked_in_at), sqlc.arg(checked_out_at),
        sqlc.arg(cancelled_at), sqlc.arg(no_show_at), sqlc.arg(created_at), sqlc.arg(updated_at))
RETURNING id;

-- name: GetBooking :one
SELECT * FROM bookings WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id);

-- name: UpdateBooking :execrows
UPDATE bookings
SET status = sqlc.arg(status), source = sqlc.arg(source), guest_name = sqlc.arg(guest_name),
    guest_email = sqlc.arg(guest_email), guest_phone = sqlc.arg(guest_phone), guests_count = sqlc.arg(guests_count),
    check_in = sqlc.arg(check_in), check_out = sqlc.arg(check_out), nights = sqlc.arg(nights),
    nightly_prices = sqlc.arg(nightly_prices), accommodation = sqlc.arg(accommodation), fees = sqlc.arg(fees),
    taxes = sqlc.arg(taxes), total = sqlc.arg(total), amount_paid = sqlc.arg(amount_paid),
    currency = sqlc.arg(currency), notes = sqlc.arg(notes), cancellation_reason = sqlc.arg(cancellation_reason),
    confirmed_at = sqlc.arg(confirmed_at), checked_in_at = sqlc.arg(checked_in_at),
    checked_out_at = sqlc.arg(checked_out_at), cancelled_at = sqlc.arg(cancelled_at), no_show_at = sqlc.arg(no_show_at),
    updated_at = sqlc.arg(updated_at)
WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id);

-- name: BookingReferenceCount :one
SELECT count(*) FROM bookings WHERE org_id = sqlc.arg(org_id) AND reference = sqlc.arg(reference);

-- name: ListBookings :many
-- date_from and date_to (included) keep the stays with a night between
-- them; '' leaves that side open.
WITH capped AS (SELECT 1 FROM bookings WHERE bookings.org_id = sqlc.arg(org_id) AND (sqlc.arg(property_id) = 0 OR bookings.property_id = sqlc.arg(property_id)) AND (sqlc.arg(unit_id) = 0 OR bookings.unit_id = sqlc.arg(unit_id)) AND (sqlc.arg(status) = '' OR bookings.status = sqlc.arg(status)) AND (sqlc.arg(source) = '' OR bookings.source = sqlc.arg(source)) AND (sqlc.arg(reference) = '' OR bookings.reference = sqlc.arg(reference)) AND (sqlc.arg(date_to) = '' OR bookings.check_in <= sqlc.arg(date_to)) AND (sqlc.arg(date_from) = '' OR bookings.check_out > sqlc.arg(date_from)) AND bookings.updated_at >= sqlc.arg(updated_since) LIMIT 10001)
SELECT sqlc.embed(bookings), (SELECT count(*) FROM capped) AS total
FROM bookings
WHERE bookings.org_id = sqlc.arg(org_id)
  AND (sqlc.arg(property_id) = 0 OR bookings.property_id = sqlc.arg(property_id))
  AND (sqlc.arg(unit_id) = 0 OR bookings.unit_id = sqlc.arg(unit_id))
  AND (sqlc.arg(status) = '' OR bookings.status = sqlc.arg(status))
  AND (sqlc.arg(source) = '' OR bookings.source = sqlc.arg(source))
  AND (sqlc.arg(reference) = '' OR bookings.reference = sqlc.arg(reference))
  AND (sqlc.arg(date_to) = '' OR bookings.check_in <= sqlc.arg(date_to))
  AND (sqlc.arg(date_from) = '' OR bookings.check_out > sqlc.arg(date_from))
  AND bookings.updated_at >= sqlc.arg(updated_since)
  AND bookings.id < CAST(sqlc.arg(below_id) AS BIGINT)
ORDER BY id DESC
LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off);

-- name: StaysOverlapping :many
-- The stays that occupy a unit: confirmed, checked in or checked out, with
-- a night in [date_from, date_to).
SELECT * FROM bookings
WHERE org_id = sqlc.arg(org_id)
  AND (sqlc.arg(property_id) = 0 OR property_id = sqlc.arg(property_id))
  AND (sqlc.arg(unit_id) = 0 OR unit_id = sqlc.arg(unit_id))
  AND status IN ('confirmed', 'checked_in', 'checked_out')
  AND check_in < sqlc.arg(date_to)
  AND check_out > sqlc.arg(date_from)
  AND id <> sqlc.arg(exclude_id)
ORDER BY check_in, id;

-- name: InsertBookingPayment :one
INSERT INTO booking_payments (org_id, booking_id, amount, currency, method, reference, received_at)
VALUES (sqlc.arg(org_id), sqlc.arg(booking_id), sqlc.arg(amount), sqlc.arg(currency), sqlc.arg(method),
        sqlc.arg(reference), sqlc.arg(received_at))
RETURNING id;

-- name: ListBookingPayments :many
SELECT * FROM booking_payments WHERE org_id = sqlc.arg(org_id) AND booking_id = sqlc.arg(booking_id) ORDER BY id;

-- name: InsertBlock :one
INSERT INTO blocks (org_id, property_id, unit_id, kind, start_date, end_date, reason, created_at, updated_at)
VALUES (sqlc.arg(org_id), sqlc.arg(property_id), sqlc.arg(unit_id), sqlc.arg(kind), sqlc.arg(start_date),
        sqlc.arg(end_date), sqlc.arg(reason), sqlc.arg(created_at), sqlc.arg(updated_at))
RETURNING id;

-- name: GetBlock :one
SELECT * FROM blocks WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id);

-- name: UpdateBlock :execrows
UPDATE blocks
SET kind = sqlc.arg(kind), start_date = sqlc.arg(start_date), end_date = sqlc.arg(end_date),
    reason = sqlc.arg(reason), updated_at = sqlc.arg(updated_at)
WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id);

-- name: DeleteBlock :execrows
DELETE FROM blocks WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id);

-- name: ListBlocks :many
WITH capped AS (SELECT 1 FROM blocks WHERE blocks.org_id = sqlc.arg(org_id) AND (sqlc.arg(property_id) = 0 OR blocks.property_id = sqlc.arg(property_id)) AND (sqlc.arg(unit_id) = 0 OR blocks.unit_id = sqlc.arg(unit_id)) AND (sqlc.arg(kind) = '' OR blocks.kind = sqlc.arg(kind)) AND (sqlc.arg(date_to) = '' OR blocks.start_date <= sqlc.arg(date_to)) AND (sqlc.arg(date_from) = '' OR blocks.end_date >= sqlc.arg(date_from)) AND blocks.updated_at >= sqlc.arg(updated_since) LIMIT 10001)
SELECT sqlc.embed(blocks), (SELECT count(*) FROM capped) AS total
FROM blocks
WHERE blocks.org_id = sqlc.arg(org_id)
  AND (sqlc.arg(property_id) = 0 OR blocks.property_id = sqlc.arg(property_id))
  AND (sqlc.arg(unit_id) = 0 OR blocks.unit_id = sqlc.arg(unit_id))
  AND (sqlc.arg(kind) = '' OR blocks.kind = sqlc.arg(kind))
  AND (sqlc.arg(date_to) = '' OR blocks.start_date <= sqlc.arg(date_to))
  AND (sqlc.arg(date_from) = '' OR blocks.end_date >= sqlc.arg(date_from))
  AND blocks.updated_at >= sqlc.arg(updated_since)
  AND blocks.id < CAST(sqlc.arg(below_id) AS BIGINT)
ORDER BY id DESC
LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off);

-- name: BlocksCovering :many
SELECT * FROM blocks
WHERE org_id = sqlc.arg(org_id)
  AND (sqlc.arg(property_id) = 0 OR property_id = sqlc.arg(property_id))
  AND (sqlc.arg(unit_id) = 0 OR unit_id = sqlc.arg(unit_id))
  AND start_date <= sqlc.arg(date_to)
  AND end_date >= sqlc.arg(date_from)
  AND id <> sqlc.arg(exclude_id)
ORDER BY start_date, id;

-- name: InsertRate :one
INSERT INTO rates (org_id, property_id, unit_id, name, start_date, end_date, nightly_price, currency, min_stay,
                   weekday_adjustments, created_at, updated_at)
VALUES (sqlc.arg(org_id), sqlc.arg(property_id), sqlc.arg(unit_id), sqlc.arg(name), sqlc.arg(start_date),
        sqlc.arg(end_date), sqlc.arg(nightly_price), sqlc.arg(currency), sqlc.arg(min_stay),
        sqlc.arg(weekday_adjustments), sqlc.arg(created_at), sqlc.arg(updated_at))
RETURNING id;

-- name: GetRate :one
SELECT * FROM rates WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id);

-- name: UpdateRate :execrows
UPDATE rates
SET name = sqlc.arg(name), start_date = sqlc.arg(start_date), end_date = sqlc.arg(end_date),
    nightly_price = sqlc.arg(nightly_price), currency = sqlc.arg(currency), min_stay = sqlc.arg(min_stay),
    weekday_adjustments = sqlc.arg(weekday_adjustments), updated_at = sqlc.arg(updated_at)
WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id);

-- name: DeleteRate :execrows
DELETE FROM rates WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id);

-- name: ListRates :many
WITH capped AS (SELECT 1 FROM rates WHERE rates.org_id = sqlc.arg(org_id) AND (sqlc.arg(property_id) = 0 OR rates.property_id = sqlc.arg(property_id)) AND (sqlc.arg(unit_id) = 0 OR rates.unit_id = sqlc.arg(unit_id)) AND (sqlc.arg(date_to) = '' OR rates.start_date <= sqlc.arg(date_to)) AND (sqlc.arg(date_from) = '' OR rates.end_date >= sqlc.arg(date_from)) AND rates.updated_at >= sqlc.arg(updated_since) LIMIT 10001)
SELECT sqlc.embed(rates), (SELECT count(*) FROM capped) AS total
FROM rates
WHERE rates.org_id = sqlc.arg(org_id)
  AND (sqlc.arg(property_id) = 0 OR rates.property_id = sqlc.arg(property_id))
  AND (sqlc.arg(unit_id) = 0 OR rates.unit_id = sqlc.arg(unit_id))
  AND (sqlc.arg(date_to) = '' OR rates.start_date <= sqlc.arg(date_to))
  AND (sqlc.arg(date_from) = '' OR rates.end_date >= sqlc.arg(date_from))
  AND rates.updated_at >= sqlc.arg(updated_since)
  AND rates.id < CAST(sqlc.arg(below_id) AS BIGINT)
ORDER BY id DESC
LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off);

-- name: RatesCovering :many
SELECT * FROM rates
WHERE org_id = sqlc.arg(org_id)
  AND (sqlc.arg(property_id) = 0 OR property_id = sqlc.arg(property_id))
  AND start_date <= sqlc.arg(date_to)
  AND end_date >= sqlc.arg(date_from)
ORDER BY id;

-- name: CalendarUnits :many
SELECT * FROM units
WHERE org_id = sqlc.arg(org_id) AND (sqlc.arg(property_id) = 0 OR property_id = sqlc.arg(property_id))
ORDER BY id;
