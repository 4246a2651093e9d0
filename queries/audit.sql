-- name: InsertAuditEntry :one
INSERT INTO audit_log (org_id, action, actor_type, actor_id, actor_label, resource_type, resource_id,
                       before_json, after_json, ip, user_agent, request_id, created_at)
VALUES (sqlc.arg(org_id), sqlc.arg(action), sqlc.arg(actor_type), sqlc.arg(actor_id), sqlc.arg(actor_label),
        sqlc.arg(resource_type), sqlc.arg(resource_id), sqlc.narg(before_json), sqlc.narg(after_json),
        sqlc.arg(ip), sqlc.arg(user_agent), sqlc.arg(request_id), sqlc.arg(created_at))
RETURNING id;

-- name: CountAuditDeletions :one
SELECT count(*) FROM audit_log
WHERE org_id = sqlc.arg(org_id) AND actor_type = sqlc.arg(actor_type) AND actor_id = sqlc.arg(actor_id)
  AND created_at >= sqlc.arg(since)
  AND (action LIKE '%.delete' OR action LIKE '%.unsubscribe');

-- name: ListAuditLog :many
-- Empty filters match all. The total counts at most porter.TotalCap+1
-- rows: a page costs the same however many match.
WITH capped AS (SELECT 1 FROM audit_log WHERE audit_log.org_id = sqlc.arg(org_id)
  AND (CAST(sqlc.arg(actor_type) AS TEXT) = '' OR audit_log.actor_type = sqlc.arg(actor_type))
  AND (CAST(sqlc.arg(actor_id) AS BIGINT) = 0 OR audit_log.actor_id = sqlc.arg(actor_id))
  AND (CAST(sqlc.arg(resource_type) AS TEXT) = '' OR audit_log.resource_type = sqlc.arg(resource_type))
  AND (CAST(sqlc.arg(resource_id) AS BIGINT) = 0 OR audit_log.resource_id = sqlc.arg(resource_id))
  AND (CAST(sqlc.arg(action) AS TEXT) = '' OR audit_log.action = sqlc.arg(action))
  AND (CAST(sqlc.arg(action_prefix) AS TEXT) = '' OR substr(audit_log.action, 1, length(sqlc.arg(action_prefix))) = sqlc.arg(action_prefix))
  AND audit_log.created_at >= sqlc.arg(from_time)
  AND audit_log.created_at <= sqlc.arg(to_time) LIMIT 10001)
SELECT sqlc.embed(audit_log), (SELECT count(*) FROM capped) AS total
FROM audit_log
WHERE audit_log.org_id = sqlc.arg(org_id)
  AND (CAST(sqlc.arg(actor_type) AS TEXT) = '' OR audit_log.actor_type = sqlc.arg(actor_type))
  AND (CAST(sqlc.arg(actor_id) AS BIGINT) = 0 OR audit_log.actor_id = sqlc.arg(actor_id))
  AND (CAST(sqlc.arg(resource_type) AS TEXT) = '' OR audit_log.resource_type = sqlc.arg(resource_type))
  AND (CAST(sqlc.arg(resource_id) AS BIGINT) = 0 OR audit_log.resource_id = sqlc.arg(resource_id))
  AND (CAST(sqlc.arg(action) AS TEXT) = '' OR audit_log.action = sqlc.arg(action))
  AND (CAST(sqlc.arg(action_prefix) AS TEXT) = '' OR substr(audit_log.action, 1, length(sqlc.arg(action_prefix))) = sqlc.arg(action_prefix))
  AND audit_log.created_at >= sqlc.arg(from_time)
  AND audit_log.created_at <= sqlc.arg(to_time)
  AND audit_log.id < CAST(sqlc.arg(below_id) AS BIGINT)
ORDER BY audit_log.id DESC
LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off);
