-- A booking a write transaction is about to change is locked, so that two
-- transitions cannot both start from the same status.

-- name: LockBooking :one
SELECT * FROM bookings WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id) FOR UPDATE;
