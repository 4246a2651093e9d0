-- name: InsertAPIKey :one
INSERT INTO api_keys (org_id, name, prefix, hash, scopes, rate_limit, created_at, expires_at)
VALUES (sqlc.arg(org_id), sqlc.arg(name), sqlc.arg(prefix), sqlc.arg(hash), sqlc.arg(scopes),
        sqlc.arg(rate_limit), sqlc.arg(created_at), sqlc.narg(expires_at))
RETURNING id;

-- name: ListAPIKeys :many
SELECT * FROM api_keys WHERE org_id = sqlc.arg(org_id) ORDER BY id;

-- name: GetAPIKeyByHash :one
SELECT * FROM api_keys WHERE hash = sqlc.arg(hash);

-- name: TouchAPIKey :exec
UPDATE api_keys SET last_used_at = sqlc.arg(last_used_at) WHERE id = sqlc.arg(id);

-- name: RevokeAPIKey :execrows
UPDATE api_keys SET revoked_at = sqlc.arg(revoked_at)
WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id) AND revoked_at IS NULL;

-- name: APIKeyExists :one
SELECT count(*) FROM api_keys WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id);
