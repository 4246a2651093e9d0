-- name: InsertWorkOrder :one
INSERT INTO work_orders (org_id, property_id, unit_id, title, description, priority, category, reported_by, status,
                         vendor_id, assigned_to, due_at, sla_breached_at, resolution_notes, completed_at, verified_at,
                         closed_at, cancelled_at, created_at, updated_at, cost)
VALUES (sqlc.arg(org_id), sqlc.arg(property_id), sqlc.arg(unit_id), sqlc.arg(title), sqlc.arg(description),
        sqlc.arg(priority), sqlc.arg(category), sqlc.arg(reported_by), sqlc.arg(status), sqlc.arg(vendor_id),
        sqlc.arg(assigned_to), sqlc.arg(due_at), sqlc.arg(sla_breached_at), sqlc.arg(resolution_notes),
        sqlc.arg(completed_at), sqlc.arg(verified_at), sqlc.arg(closed_at), sqlc.arg(cancelled_at),
        sqlc.arg(created_at), sqlc.arg(updated_at), sqlc.arg(cost))
RETURNING id;

-- name: GetWorkOrder :one
SELECT * FROM work_orders WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id);

-- name: UpdateWorkOrder :execrows
UPDATE work_orders
SET unit_id = sqlc.arg(unit_id), title = sqlc.arg(title), description = sqlc.arg(description),
    priority = sqlc.arg(priority), category = sqlc.arg(category), status = sqlc.arg(status),
    vendor_id = sqlc.arg(vendor_id), assigned_to = sqlc.arg(assigned_to), due_at = sqlc.arg(due_at),
    sla_breached_at = sqlc.arg(sla_breached_at), resolution_notes = sqlc.arg(resolution_notes),
    completed_at = sqlc.arg(completed_at), verified_at = sqlc.arg(verified_at), closed_at = sqlc.arg(closed_at),
    cancelled_at = sqlc.arg(cancelled_at), updated_at = sqlc.arg(updated_at), cost = sqlc.arg(cost)
WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id);

-- name: ListWorkOrders :many
-- The total counts at most porter.TotalCap+1 rows: a page costs the same
-- however many match.
WITH capped AS (SELECT 1 FROM work_orders WHERE work_orders.org_id = sqlc.arg(org_id) AND (sqlc.arg(status) = '' OR work_orders.status = sqlc.arg(status)) AND (sqlc.arg(priority) = '' OR work_orders.priority = sqlc.arg(priority)) AND (sqlc.arg(property_id) = 0 OR work_orders.property_id = sqlc.arg(property_id)) AND (sqlc.arg(unit_id) = 0 OR work_orders.unit_id = sqlc.arg(unit_id)) AND (sqlc.arg(vendor_id) = 0 OR work_orders.vendor_id = sqlc.arg(vendor_id)) AND work_orders.updated_at >= sqlc.arg(updated_since) AND (sqlc.arg(title_like) = '' OR lower(work_orders.title) LIKE sqlc.arg(title_like)) AND (CAST(sqlc.arg(overdue) AS BOOLEAN) = FALSE OR (work_orders.due_at <= sqlc.arg(now) AND work_orders.status IN ('open', 'assigned', 'in_progress', 'on_hold'))) LIMIT 10001)
SELECT sqlc.embed(work_orders), (SELECT count(*) FROM capped) AS total
FROM work_orders
WHERE work_orders.org_id = sqlc.arg(org_id)
  AND (sqlc.arg(status) = '' OR work_orders.status = sqlc.arg(status))
  AND (sqlc.arg(priority) = '' OR work_orders.priority = sqlc.arg(priority))
  AND (sqlc.arg(property_id) = 0 OR work_orders.property_id = sqlc.arg(property_id))
  AND (sqlc.arg(unit_id) = 0 OR work_orders.unit_id = sqlc.arg(unit_id))
  AND (sqlc.arg(vendor_id) = 0 OR work_orders.vendor_id = sqlc.arg(vendor_id))
  AND work_orders.updated_at >= sqlc.arg(updated_since)
  AND (sqlc.arg(title_like) = '' OR lower(work_orders.title) LIKE sqlc.arg(title_like))
  AND (CAST(sqlc.arg(overdue) AS BOOLEAN) = FALSE
       OR (work_orders.due_at <= sqlc.arg(now) AND work_orders.status IN ('open', 'assigned', 'in_progress', 'on_hold')))
  AND work_orders.id < CAST(sqlc.arg(below_id) AS BIGINT)
ORDER BY id DESC
LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off);
