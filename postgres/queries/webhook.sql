-- name: GetWebhookForUpdate :one
SELECT * FROM webhooks WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id) FOR UPDATE;
