-- name: InsertIdempotencyKey :execrows
INSERT INTO idempotency_keys (org_id, key, request_hash, status, created_at)
VALUES (sqlc.arg(org_id), sqlc.arg(key), sqlc.arg(request_hash), 0, sqlc.arg(created_at))
ON CONFLICT (org_id, key) DO NOTHING;

-- name: GetIdempotencyKey :one
SELECT * FROM idempotency_keys WHERE org_id = sqlc.arg(org_id) AND key = sqlc.arg(key);

-- name: DeleteIdempotencyKey :exec
DELETE FROM idempotency_keys WHERE org_id = sqlc.arg(org_id) AND key = sqlc.arg(key);

-- name: CompleteIdempotencyKey :exec
UPDATE idempotency_keys SET status = sqlc.arg(status), body = sqlc.arg(body)
WHERE org_id = sqlc.arg(org_id) AND key = sqlc.arg(key);
