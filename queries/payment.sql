-- name: InsertPayment :one
INSERT INTO payments (org_id, tenant_id, charge_id, amount, method, reference, notes, status, error,
                      unapplied_amount, created_at)
VALUES (sqlc.arg(org_id), sqlc.arg(tenant_id), sqlc.narg(charge_id), sqlc.arg(amount), sqlc.arg(method),
        sqlc.arg(reference), sqlc.arg(notes), sqlc.arg(status), sqlc.arg(error), sqlc.arg(unapplied_amount),
        sqlc.arg(created_at))
RETURNING id;

-- name: GetPayment :one
SELECT * FROM payments WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id);

-- name: ListPayments :many
-- Payments never change, so updated_since filters on created_at.
-- The total counts at most porter.TotalCap+1 rows: a page costs the same
-- however many match.
WITH capped AS (SELECT 1 FROM payments WHERE payments.org_id = sqlc.arg(org_id) AND (sqlc.arg(tenant_id) = 0 OR payments.tenant_id = sqlc.arg(tenant_id)) AND (sqlc.arg(status) = '' OR payments.status = sqlc.arg(status)) AND (sqlc.arg(method) = '' OR payments.method = sqlc.arg(method)) AND payments.created_at >= sqlc.arg(updated_since) LIMIT 10001)
SELECT sqlc.embed(payments), (SELECT count(*) FROM capped) AS total
FROM payments
WHERE payments.org_id = sqlc.arg(org_id)
  AND (sqlc.arg(tenant_id) = 0 OR payments.tenant_id = sqlc.arg(tenant_id))
  AND (sqlc.arg(status) = '' OR payments.status = sqlc.arg(status))
  AND (sqlc.arg(method) = '' OR payments.method = sqlc.arg(method))
  AND payments.created_at >= sqlc.arg(updated_since)
  AND payments.id < CAST(sqlc.arg(below_id) AS BIGINT)
ORDER BY id DESC
LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off);

-- name: InsertPaymentAllocation :exec
INSERT INTO payment_allocations (org_id, payment_id, charge_id, position, amount)
VALUES (sqlc.arg(org_id), sqlc.arg(payment_id), sqlc.arg(charge_id), sqlc.arg(position), sqlc.arg(amount));

-- name: ListPaymentAllocations :many
-- The allocations of the payments with ids from first_id to last_id: one
-- query for a page of payments (sqlc.slice is unusable on SQLite).
SELECT * FROM payment_allocations
WHERE org_id = sqlc.arg(org_id) AND payment_id >= sqlc.arg(first_id) AND payment_id <= sqlc.arg(last_id)
ORDER BY payment_id, position;
