-- name: InsertMessage :one
INSERT INTO messages (org_id, channel, recipient, subject, body, status, broadcast_id, created_at)
VALUES (sqlc.arg(org_id), sqlc.arg(channel), sqlc.arg(recipient), sqlc.arg(subject), sqlc.arg(body),
        sqlc.arg(status), sqlc.narg(broadcast_id), sqlc.arg(created_at))
RETURNING id;

-- name: ListMessages :many
SELECT * FROM messages WHERE org_id = sqlc.arg(org_id) ORDER BY id;

-- name: ListBroadcastMessages :many
SELECT * FROM messages WHERE org_id = sqlc.arg(org_id) AND broadcast_id = sqlc.arg(broadcast_id) ORDER BY id;
