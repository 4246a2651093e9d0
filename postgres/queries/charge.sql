-- PostgreSQL has concurrent writers: a payment locks the charges it may
-- apply to, so that two payments cannot both spend one balance. SQLite
-- has one writer and uses GetCharge and OpenCharges instead.

-- name: LockCharge :one
SELECT * FROM charges WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id) FOR UPDATE;

-- name: LockOpenCharges :many
-- Rows are locked in the order returned, so payments for one tenant lock
-- in one order and cannot deadlock; a row another payment changed while
-- this one waited is re-read, and left out if it is now paid.
SELECT * FROM charges
WHERE org_id = sqlc.arg(org_id) AND tenant_id = sqlc.arg(tenant_id) AND status IN ('open', 'partially_paid')
ORDER BY due_date, id
FOR UPDATE;
