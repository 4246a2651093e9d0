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
SELECT sqlc.embed(payments), count(*) OVER () AS total
FROM payments
WHERE org_id = sqlc.arg(org_id)
  AND (sqlc.arg(tenant_id) = 0 OR tenant_id = sqlc.arg(tenant_id))
  AND (sqlc.arg(status) = '' OR status = sqlc.arg(status))
  AND (sqlc.arg(method) = '' OR method = sqlc.arg(method))
  AND created_at >= sqlc.arg(updated_since)
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
