-- name: InsertBroadcast :one
INSERT INTO broadcasts (org_id, subject, body, audience, channel, property_id, recipients, skipped, created_at)
VALUES (sqlc.arg(org_id), sqlc.arg(subject), sqlc.arg(body), sqlc.arg(audience), sqlc.arg(channel),
        sqlc.narg(property_id), sqlc.arg(recipients), sqlc.arg(skipped), sqlc.arg(created_at))
RETURNING id;

-- name: GetBroadcast :one
SELECT * FROM broadcasts WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id);

-- name: ListBroadcasts :many
-- The total counts at most porter.TotalCap+1 rows: a page costs the same
-- however many match.
WITH capped AS (SELECT 1 FROM broadcasts WHERE broadcasts.org_id = sqlc.arg(org_id) AND (sqlc.arg(audience) = '' OR broadcasts.audience = sqlc.arg(audience)) AND broadcasts.created_at >= sqlc.arg(created_since) LIMIT 10001)
SELECT sqlc.embed(broadcasts), (SELECT count(*) FROM capped) AS total
FROM broadcasts
WHERE broadcasts.org_id = sqlc.arg(org_id)
  AND (sqlc.arg(audience) = '' OR broadcasts.audience = sqlc.arg(audience))
  AND broadcasts.created_at >= sqlc.arg(created_since)
  AND broadcasts.id < CAST(sqlc.arg(below_id) AS BIGINT)
ORDER BY id DESC
LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off);

-- name: ListBroadcastMessagesPage :many
-- The total counts at most porter.TotalCap+1 rows: a page costs the same
-- however many match.
WITH capped AS (SELECT 1 FROM messages WHERE messages.org_id = sqlc.arg(org_id) AND messages.broadcast_id = sqlc.arg(broadcast_id) LIMIT 10001)
SELECT sqlc.embed(messages), (SELECT count(*) FROM capped) AS total
FROM messages
WHERE messages.org_id = sqlc.arg(org_id) AND messages.broadcast_id = sqlc.arg(broadcast_id)
  AND messages.id > CAST(sqlc.arg(above_id) AS BIGINT)
ORDER BY id
LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off);

-- Recipients. Tenants on an active lease reach a property through the
-- lease's unit; a tenant on two active leases there is one recipient.

-- name: AllTenantRecipients :many
SELECT id, email, phone FROM tenants WHERE org_id = sqlc.arg(org_id) ORDER BY id;

-- name: PropertyTenantRecipients :many
SELECT DISTINCT t.id, t.email, t.phone
FROM tenants t
JOIN lease_tenants lt ON lt.org_id = t.org_id AND lt.tenant_id = t.id
JOIN leases l ON l.org_id = t.org_id AND l.id = lt.lease_id
JOIN units u ON u.org_id = t.org_id AND u.id = l.unit_id
WHERE t.org_id = sqlc.arg(org_id) AND l.status = 'active' AND u.property_id = sqlc.arg(property_id)
ORDER BY t.id;

-- name: VendorRecipients :many
SELECT id, email, phone FROM vendors WHERE org_id = sqlc.arg(org_id) AND status = 'active' ORDER BY id;

-- name: StaffRecipients :many
SELECT id, email, phone FROM staff WHERE org_id = sqlc.arg(org_id) ORDER BY id;
