-- name: InsertDocument :one
INSERT INTO documents (org_id, title, scope, scope_id, file_name, content_type, size, sha256, storage_key, created_at)
VALUES (sqlc.arg(org_id), sqlc.arg(title), sqlc.arg(scope), sqlc.arg(scope_id), sqlc.arg(file_name),
        sqlc.arg(content_type), sqlc.arg(size), sqlc.arg(sha256), sqlc.arg(storage_key), sqlc.arg(created_at))
RETURNING id;

-- name: GetDocument :one
SELECT * FROM documents WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id);

-- name: ListDocuments :many
SELECT sqlc.embed(documents), count(*) OVER () AS total
FROM documents
WHERE org_id = sqlc.arg(org_id)
  AND (sqlc.arg(scope) = '' OR scope = sqlc.arg(scope))
  AND (sqlc.arg(scope_id) = 0 OR scope_id = sqlc.arg(scope_id))
  AND created_at >= sqlc.arg(created_since)
ORDER BY id DESC
LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off);
