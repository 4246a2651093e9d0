-- name: InsertEvent :one
INSERT INTO events (org_id, type, fired_at, resource_type, resource_id, data, previous_attributes, integration_id, first_sync)
VALUES (sqlc.arg(org_id), sqlc.arg(type), sqlc.arg(fired_at), sqlc.arg(resource_type),
        sqlc.arg(resource_id), sqlc.arg(data), sqlc.narg(previous_attributes), sqlc.narg(integration_id), sqlc.arg(first_sync))
RETURNING seq;

-- name: GetEvent :one
SELECT * FROM events WHERE org_id = sqlc.arg(org_id) AND seq = sqlc.arg(seq);

-- name: ListEvents :many
-- The total counts at most porter.TotalCap+1 rows: a page costs the same
-- however many match.
WITH capped AS (SELECT 1 FROM events WHERE events.org_id = sqlc.arg(org_id) AND (cardinality(sqlc.arg(types)::text[]) = 0 OR events.type = ANY (sqlc.arg(types)::text[])) AND events.fired_at >= sqlc.arg(since) LIMIT 10001)
SELECT sqlc.embed(events), (SELECT count(*) FROM capped) AS total
FROM events
WHERE events.org_id = sqlc.arg(org_id)
  AND (cardinality(sqlc.arg(types)::text[]) = 0 OR events.type = ANY (sqlc.arg(types)::text[]))
  AND events.fired_at >= sqlc.arg(since)
  AND events.seq < CAST(sqlc.arg(below_id) AS BIGINT)
ORDER BY seq DESC
LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off);

-- name: ListResourceEvents :many
SELECT * FROM events
WHERE org_id = sqlc.arg(org_id) AND resource_type = sqlc.arg(resource_type) AND resource_id = sqlc.arg(resource_id)
ORDER BY seq DESC
LIMIT sqlc.arg(lim);
