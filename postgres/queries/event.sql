-- name: InsertEvent :one
INSERT INTO events (org_id, type, fired_at, resource_type, resource_id, data, previous_attributes)
VALUES (sqlc.arg(org_id), sqlc.arg(type), sqlc.arg(fired_at), sqlc.arg(resource_type),
        sqlc.arg(resource_id), sqlc.arg(data), sqlc.narg(previous_attributes))
RETURNING seq;

-- name: GetEvent :one
SELECT * FROM events WHERE org_id = sqlc.arg(org_id) AND seq = sqlc.arg(seq);

-- name: ListEvents :many
SELECT sqlc.embed(events), count(*) OVER () AS total
FROM events
WHERE org_id = sqlc.arg(org_id)
  AND (cardinality(sqlc.arg(types)::text[]) = 0 OR type = ANY (sqlc.arg(types)::text[]))
  AND fired_at >= sqlc.arg(since)
ORDER BY seq DESC
LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off);
