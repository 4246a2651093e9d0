-- Short-term rentals: owner statements.

-- name: InsertOwnerStatement :one
-- A second statement for the same owner, month and currency inserts
-- nothing and returns no row: the monthly pass is idempotent.
INSERT INTO owner_statements (org_id, owner_id, owner_name, month, currency, lines, nights, gross, commission, fees,
    expenses, net, created_at)
VALUES (sqlc.arg(org_id), sqlc.arg(owner_id), sqlc.arg(owner_name), sqlc.arg(month), sqlc.arg(currency), sqlc.arg(lines),
    sqlc.arg(nights), sqlc.arg(gross), sqlc.arg(commission), sqlc.arg(fees), sqlc.arg(expenses), sqlc.arg(net),
    sqlc.arg(created_at))
ON CONFLICT (org_id, owner_id, month, currency) DO NOTHING
RETURNING id;

-- name: GetOwnerStatement :one
SELECT * FROM owner_statements WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id);

-- name: OwnerStatementsOfMonth :many
SELECT * FROM owner_statements WHERE org_id = sqlc.arg(org_id) AND owner_id = sqlc.arg(owner_id) AND month = sqlc.arg(month)
ORDER BY currency;

-- name: ListOwnerStatements :many
WITH capped AS (SELECT 1 FROM owner_statements WHERE owner_statements.org_id = sqlc.arg(org_id)
    AND (CAST(sqlc.arg(owner_id) AS BIGINT) = 0 OR owner_statements.owner_id = sqlc.arg(owner_id))
    AND (CAST(sqlc.arg(month) AS TEXT) = '' OR owner_statements.month = sqlc.arg(month))
    AND owner_statements.created_at >= sqlc.arg(updated_since) LIMIT 10001)
SELECT sqlc.embed(owner_statements), (SELECT count(*) FROM capped) AS total
FROM owner_statements
WHERE owner_statements.org_id = sqlc.arg(org_id)
  AND (CAST(sqlc.arg(owner_id) AS BIGINT) = 0 OR owner_statements.owner_id = sqlc.arg(owner_id))
  AND (CAST(sqlc.arg(month) AS TEXT) = '' OR owner_statements.month = sqlc.arg(month))
  AND owner_statements.created_at >= sqlc.arg(updated_since)
  AND owner_statements.id < CAST(sqlc.arg(below_id) AS BIGINT)
ORDER BY id DESC
LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off);

-- name: CompletedWorkOrderCosts :many
-- The work orders of a property completed in [completed_from, completed_to)
-- with a cost, whatever happened to them since (verified, closed).
SELECT id, title, cost, completed_at FROM work_orders
WHERE org_id = sqlc.arg(org_id) AND property_id = sqlc.arg(property_id) AND cost > 0
  AND status IN ('completed', 'verified', 'closed')
  AND completed_at >= sqlc.arg(completed_from) AND completed_at < sqlc.arg(completed_to)
ORDER BY completed_at, id;
