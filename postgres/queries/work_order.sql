-- Rows a write transaction is about to change are locked, so that two
-- concurrent transitions cannot both start from the same status, and the
-- SLA pass re-checks a row another transaction just resolved.

-- name: LockWorkOrder :one
SELECT * FROM work_orders WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id) FOR UPDATE;

-- name: OverdueWorkOrders :many
SELECT * FROM work_orders
WHERE org_id = sqlc.arg(org_id)
  AND sla_breached_at IS NULL
  AND status IN ('open', 'assigned', 'in_progress', 'on_hold')
  AND due_at <= sqlc.arg(now)
ORDER BY due_at, id
LIMIT sqlc.arg(lim)
FOR UPDATE;
