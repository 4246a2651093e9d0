-- name: InsertDocument :one
INSERT INTO documents (org_id, title, scope, scope_id, file_name, content_type, size, sha256, storage_key, created_at)
VALUES (sqlc.arg(org_id), sqlc.arg(title), sqlc.arg(scope), sqlc.arg(scope_id), sqlc.arg(file_name),
        sqlc.arg(content_type), sqlc.arg(size), sqlc.arg(sha256), sqlc.arg(storage_key), sqlc.arg(created_at))
RETURNING id;

-- name: GetDocument :one
SELECT * FROM documents WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id);

-- name: ListDocuments :many
-- The total counts at most porter.TotalCap+1 rows: a page costs the same
-- however many match.
WITH capped AS (SELECT 1 FROM documents WHERE documents.org_id = sqlc.arg(org_id) AND (sqlc.arg(scope) = '' OR documents.scope = sqlc.arg(scope)) AND (sqlc.arg(scope_id) = 0 OR documents.scope_id = sqlc.arg(scope_id)) AND documents.created_at >= sqlc.arg(created_since) LIMIT 10001)
SELECT sqlc.embed(documents), (SELECT count(*) FROM capped) AS total
FROM documents
WHERE documents.org_id = sqlc.arg(org_id)
  AND (sqlc.arg(scope) = '' OR documents.scope = sqlc.arg(scope))
  AND (sqlc.arg(scope_id) = 0 OR documents.scope_id = sqlc.arg(scope_id))
  AND documents.created_at >= sqlc.arg(created_since)
  AND documents.id < CAST(sqlc.arg(below_id) AS BIGINT)
ORDER BY id DESC
LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off);
