-- BMS / IoT: an integration row locked for the transaction that rewrites
-- it, so that a message's status refresh and an edit (enabled: false)
-- take turns instead of one overwriting the other.

-- name: GetIntegrationForUpdate :one
SELECT * FROM integrations WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id) FOR UPDATE;
