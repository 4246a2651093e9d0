-- SQLite runs one writer at a time, so a row read in a write transaction
-- needs no lock.

-- name: OverdueWorkOrders :many
SELECT * FROM work_orders
WHERE org_id = sqlc.arg(org_id)
  AND sla_breached_at IS NULL
  AND status IN ('open', 'assigned', 'in_progress', 'on_hold')
  AND due_at <= sqlc.arg(now)
ORDER BY due_at, id
LIMIT sqlc.arg(lim);
