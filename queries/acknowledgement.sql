-- Resident events: tenants' acknowledgements of broadcasts (announcements).

-- name: InsertBroadcastAcknowledgement :one
-- A tenant's second acknowledgement inserts nothing and returns no row.
INSERT INTO broadcast_acknowledgements (org_id, broadcast_id, tenant_id, acknowledged_at)
VALUES (sqlc.arg(org_id), sqlc.arg(broadcast_id), sqlc.arg(tenant_id), sqlc.arg(acknowledged_at))
ON CONFLICT (broadcast_id, tenant_id) DO NOTHING
RETURNING id;

-- name: GetBroadcastAcknowledgement :one
SELECT * FROM broadcast_acknowledgements
WHERE org_id = sqlc.arg(org_id) AND broadcast_id = sqlc.arg(broadcast_id) AND tenant_id = sqlc.arg(tenant_id);

-- name: ListBroadcastAcknowledgements :many
WITH capped AS (SELECT 1 FROM broadcast_acknowledgements WHERE broadcast_acknowledgements.org_id = sqlc.arg(org_id)
    AND broadcast_acknowledgements.broadcast_id = sqlc.arg(broadcast_id) LIMIT 10001)
SELECT sqlc.embed(broadcast_acknowledgements), (SELECT count(*) FROM capped) AS total
FROM broadcast_acknowledgements
WHERE broadcast_acknowledgements.org_id = sqlc.arg(org_id)
  AND broadcast_acknowledgements.broadcast_id = sqlc.arg(broadcast_id)
  AND broadcast_acknowledgements.id < CAST(sqlc.arg(below_id) AS BIGINT)
ORDER BY id DESC
LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off);
