-- name: InsertCharge :one
INSERT INTO charges (org_id, tenant_id, lease_id, amount, balance, description, due_date, category, status,
                     created_at, updated_at, paid_at, voided_at)
VALUES (sqlc.arg(org_id), sqlc.arg(tenant_id), sqlc.narg(lease_id), sqlc.arg(amount), sqlc.arg(balance),
        sqlc.arg(description), sqlc.arg(due_date), sqlc.arg(category), sqlc.arg(status),
        sqlc.arg(created_at), sqlc.arg(updated_at), sqlc.narg(paid_at), sqlc.narg(voided_at))
RETURNING id;

-- name: GetCharge :one
SELECT * FROM charges WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id);

-- name: UpdateCharge :execrows
UPDATE charges
SET description = sqlc.arg(description), due_date = sqlc.arg(due_date), category = sqlc.arg(category),
    balance = sqlc.arg(balance), status = sqlc.arg(status), updated_at = sqlc.arg(updated_at),
    paid_at = sqlc.narg(paid_at), voided_at = sqlc.narg(voided_at)
WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id);

-- name: ListCharges :many
-- The total counts at most porter.TotalCap+1 rows: a page costs the same
-- however many match.
WITH capped AS (SELECT 1 FROM charges WHERE charges.org_id = sqlc.arg(org_id) AND (sqlc.arg(tenant_id) = 0 OR charges.tenant_id = sqlc.arg(tenant_id)) AND (CAST(sqlc.arg(lease_id) AS BIGINT) = 0 OR charges.lease_id = CAST(sqlc.arg(lease_id) AS BIGINT)) AND (sqlc.arg(status) = '' OR charges.status = sqlc.arg(status)) AND (sqlc.arg(category) = '' OR charges.category = sqlc.arg(category)) AND (sqlc.arg(overdue_on) = '' OR (charges.status IN ('open', 'partially_paid') AND charges.due_date < sqlc.arg(overdue_on))) AND charges.updated_at >= sqlc.arg(updated_since) LIMIT 10001)
SELECT sqlc.embed(charges), (SELECT count(*) FROM capped) AS total
FROM charges
WHERE charges.org_id = sqlc.arg(org_id)
  AND (sqlc.arg(tenant_id) = 0 OR charges.tenant_id = sqlc.arg(tenant_id))
  AND (CAST(sqlc.arg(lease_id) AS BIGINT) = 0 OR charges.lease_id = CAST(sqlc.arg(lease_id) AS BIGINT))
  AND (sqlc.arg(status) = '' OR charges.status = sqlc.arg(status))
  AND (sqlc.arg(category) = '' OR charges.category = sqlc.arg(category)) AND (sqlc.arg(overdue_on) = '' OR (charges.status IN ('open', 'partially_paid') AND charges.due_date < sqlc.arg(overdue_on)))
  AND charges.updated_at >= sqlc.arg(updated_since)
  AND charges.id < CAST(sqlc.arg(below_id) AS BIGINT)
ORDER BY id DESC
LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off);

-- name: OpenCharges :many
-- A tenant's charges that still owe something, in the order payments
-- apply to them. PostgreSQL locks them instead (LockOpenCharges).
SELECT * FROM charges
WHERE org_id = sqlc.arg(org_id) AND tenant_id = sqlc.arg(tenant_id) AND status IN ('open', 'partially_paid')
ORDER BY due_date, id;

