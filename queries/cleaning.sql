-- Short-term rentals: cleaning tasks.

-- name: InsertCleaningTask :one
INSERT INTO cleaning_tasks (org_id, property_id, unit_id, booking_id, origin, status, priority, due_from, due_by,
    staff_id, vendor_id, checklist, notes, photo_document_ids, skip_reason, rescheduled_from_id, rescheduled_to_id,
    assigned_at, started_at, completed_at, skipped_at, cancelled_at, created_at, updated_at)
VALUES (sqlc.arg(org_id), sqlc.arg(property_id), sqlc.arg(unit_id), sqlc.narg(booking_id), sqlc.arg(origin), sqlc.arg(status),
    sqlc.arg(priority), sqlc.arg(due_from), sqlc.narg(due_by), sqlc.narg(staff_id), sqlc.narg(vendor_id), sqlc.arg(checklist),
    sqlc.arg(notes), sqlc.arg(photo_document_ids), sqlc.arg(skip_reason), sqlc.narg(rescheduled_from_id), sqlc.narg(rescheduled_to_id),
    sqlc.narg(assigned_at), sqlc.narg(started_at), sqlc.narg(completed_at), sqlc.narg(skipped_at), sqlc.narg(cancelled_at),
    sqlc.arg(created_at), sqlc.arg(updated_at))
RETURNING id;

-- name: GetCleaningTask :one
SELECT * FROM cleaning_tasks WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id);

-- name: UpdateCleaningTask :execrows
UPDATE cleaning_tasks SET unit_id = sqlc.arg(unit_id), property_id = sqlc.arg(property_id), origin = sqlc.arg(origin), status = sqlc.arg(status),
    priority = sqlc.arg(priority), due_from = sqlc.arg(due_from), due_by = sqlc.narg(due_by), staff_id = sqlc.narg(staff_id),
    vendor_id = sqlc.narg(vendor_id), checklist = sqlc.arg(checklist), notes = sqlc.arg(notes),
    photo_document_ids = sqlc.arg(photo_document_ids), skip_reason = sqlc.arg(skip_reason),
    rescheduled_to_id = sqlc.narg(rescheduled_to_id), assigned_at = sqlc.narg(assigned_at), started_at = sqlc.narg(started_at),
    completed_at = sqlc.narg(completed_at), skipped_at = sqlc.narg(skipped_at), cancelled_at = sqlc.narg(cancelled_at),
    updated_at = sqlc.arg(updated_at)
WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id);

-- name: OpenBookingCleaningTasks :many
-- The tasks created for bookings' check-outs that have not started: those
-- that follow their booking's dates and the unit's next check-in.
SELECT * FROM cleaning_tasks
WHERE org_id = sqlc.arg(org_id) AND origin = 'booking' AND status IN ('pending', 'assigned')
  AND (CAST(sqlc.arg(unit_id) AS BIGINT) = 0 OR unit_id = sqlc.arg(unit_id))
  AND (CAST(sqlc.arg(booking_id) AS BIGINT) = 0 OR booking_id = sqlc.arg(booking_id))
ORDER BY due_from, id;

-- name: ListCleaningTasks :many
-- due_from and due_to (included) bound the day the task is due from; ''
-- leaves that side open.
WITH capped AS (SELECT 1 FROM cleaning_tasks WHERE cleaning_tasks.org_id = sqlc.arg(org_id)
    AND (CAST(sqlc.arg(property_id) AS BIGINT) = 0 OR cleaning_tasks.property_id = sqlc.arg(property_id))
    AND (CAST(sqlc.arg(unit_id) AS BIGINT) = 0 OR cleaning_tasks.unit_id = sqlc.arg(unit_id))
    AND (CAST(sqlc.arg(booking_id) AS BIGINT) = 0 OR cleaning_tasks.booking_id = sqlc.arg(booking_id))
    AND (CAST(sqlc.arg(staff_id) AS BIGINT) = 0 OR cleaning_tasks.staff_id = sqlc.arg(staff_id))
    AND (CAST(sqlc.arg(vendor_id) AS BIGINT) = 0 OR cleaning_tasks.vendor_id = sqlc.arg(vendor_id))
    AND (sqlc.arg(status) = '' OR cleaning_tasks.status = sqlc.arg(status))
    AND (sqlc.arg(date_from) = '' OR cleaning_tasks.due_from >= sqlc.arg(date_from))
    AND (sqlc.arg(date_to) = '' OR cleaning_tasks.due_from <= sqlc.arg(date_to))
    AND cleaning_tasks.updated_at >= sqlc.arg(updated_since) LIMIT 10001)
SELECT sqlc.embed(cleaning_tasks), (SELECT count(*) FROM capped) AS total
FROM cleaning_tasks
WHERE cleaning_tasks.org_id = sqlc.arg(org_id)
  AND (CAST(sqlc.arg(property_id) AS BIGINT) = 0 OR cleaning_tasks.property_id = sqlc.arg(property_id))
  AND (CAST(sqlc.arg(unit_id) AS BIGINT) = 0 OR cleaning_tasks.unit_id = sqlc.arg(unit_id))
  AND (CAST(sqlc.arg(booking_id) AS BIGINT) = 0 OR cleaning_tasks.booking_id = sqlc.arg(booking_id))
  AND (CAST(sqlc.arg(staff_id) AS BIGINT) = 0 OR cleaning_tasks.staff_id = sqlc.arg(staff_id))
  AND (CAST(sqlc.arg(vendor_id) AS BIGINT) = 0 OR cleaning_tasks.vendor_id = sqlc.arg(vendor_id))
  AND (sqlc.arg(status) = '' OR cleaning_tasks.status = sqlc.arg(status))
  AND (sqlc.arg(date_from) = '' OR cleaning_tasks.due_from >= sqlc.arg(date_from))
  AND (sqlc.arg(date_to) = '' OR cleaning_tasks.due_from <= sqlc.arg(date_to))
  AND cleaning_tasks.updated_at >= sqlc.arg(updated_since)
  AND cleaning_tasks.id < CAST(sqlc.arg(below_id) AS BIGINT)
ORDER BY id DESC
LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off);
