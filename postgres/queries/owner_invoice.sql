-- Short-term rentals: rows a transaction is about to change, locked so
-- that concurrent writers take turns (READ COMMITTED).

-- name: GetOwnerForUpdate :one
SELECT * FROM owners WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id) FOR UPDATE;

-- name: GetInvoiceForUpdate :one
SELECT * FROM invoices WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id) FOR UPDATE;
