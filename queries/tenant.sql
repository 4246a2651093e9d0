-- name: InsertTenant :one
INSERT INTO tenants (org_id, email, first_name, last_name, phone, status, invite_token_hash,
                     password_hash, created_at, updated_at, activated_at)
VALUES (sqlc.arg(org_id), sqlc.arg(email), sqlc.arg(first_name), sqlc.arg(last_name), sqlc.arg(phone),
        sqlc.arg(status), sqlc.arg(invite_token_hash), sqlc.arg(password_hash), sqlc.arg(created_at),
        sqlc.arg(updated_at), sqlc.narg(activated_at))
RETURNING id;

-- name: GetTenant :one
SELECT * FROM tenants WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id);

-- name: GetTenantByInviteToken :one
SELECT org_id, id FROM tenants WHERE invite_token_hash = sqlc.arg(invite_token_hash);

-- name: UpdateTenant :execrows
UPDATE tenants
SET email = sqlc.arg(email), first_name = sqlc.arg(first_name), last_name = sqlc.arg(last_name),
    phone = sqlc.arg(phone), status = sqlc.arg(status), invite_token_hash = sqlc.arg(invite_token_hash),
    password_hash = sqlc.arg(password_hash), updated_at = sqlc.arg(updated_at),
    activated_at = sqlc.narg(activated_at)
WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id);

-- name: ListTenants :many
-- The total counts at most porter.TotalCap+1 rows: a page costs the same
-- however many match.
WITH capped AS (SELECT 1 FROM tenants WHERE tenants.org_id = sqlc.arg(org_id) AND (sqlc.arg(status) = '' OR tenants.status = sqlc.arg(status)) AND (sqlc.arg(email) = '' OR tenants.email = sqlc.arg(email)) AND (sqlc.arg(search) = '' OR lower(tenants.email) LIKE sqlc.arg(search) OR lower(tenants.first_name || ' ' || tenants.last_name) LIKE sqlc.arg(search)) AND tenants.updated_at >= sqlc.arg(updated_since) LIMIT 10001)
SELECT sqlc.embed(tenants), (SELECT count(*) FROM capped) AS total
FROM tenants
WHERE tenants.org_id = sqlc.arg(org_id)
  AND (sqlc.arg(status) = '' OR tenants.status = sqlc.arg(status))
  AND (sqlc.arg(email) = '' OR tenants.email = sqlc.arg(email)) AND (sqlc.arg(search) = '' OR lower(tenants.email) LIKE sqlc.arg(search) OR lower(tenants.first_name || ' ' || tenants.last_name) LIKE sqlc.arg(search))
  AND tenants.updated_at >= sqlc.arg(updated_since)
  AND tenants.id < CAST(sqlc.arg(below_id) AS BIGINT)
ORDER BY id DESC
LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off);
