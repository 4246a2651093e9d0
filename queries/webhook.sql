-- name: InsertWebhook :one
INSERT INTO webhooks (org_id, url, events, description, retry_schedule, timeout_seconds, headers, ordered, enabled,
                      disabled_reason, source, secret, previous_secret, secret_rotated_at, created_at, updated_at,
                      signature, public_key, payload_format, signature_header)
VALUES (sqlc.arg(org_id), sqlc.arg(url), sqlc.arg(events), sqlc.arg(description), sqlc.arg(retry_schedule),
        sqlc.arg(timeout_seconds), sqlc.arg(headers), sqlc.arg(ordered), sqlc.arg(enabled), sqlc.arg(disabled_reason),
        sqlc.arg(source), sqlc.arg(secret), sqlc.arg(previous_secret), sqlc.arg(secret_rotated_at),
        sqlc.arg(created_at), sqlc.arg(updated_at),
        sqlc.arg(signature), sqlc.arg(public_key), sqlc.arg(payload_format), sqlc.arg(signature_header))
RETURNING id;

-- name: GetWebhook :one
SELECT * FROM webhooks WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id);

-- name: UpdateWebhook :execrows
UPDATE webhooks
SET url = sqlc.arg(url), events = sqlc.arg(events), description = sqlc.arg(description),
    retry_schedule = sqlc.arg(retry_schedule), timeout_seconds = sqlc.arg(timeout_seconds), headers = sqlc.arg(headers),
    ordered = sqlc.arg(ordered), enabled = sqlc.arg(enabled), disabled_reason = sqlc.arg(disabled_reason),
    secret_rotated_at = sqlc.arg(secret_rotated_at), updated_at = sqlc.arg(updated_at),
    public_key = sqlc.arg(public_key), payload_format = sqlc.arg(payload_format), signature_header = sqlc.arg(signature_header)
WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id);

-- name: DeleteWebhook :execrows
DELETE FROM webhooks WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id);

-- name: GetWebhookSecrets :one
SELECT secret, previous_secret, previous_secret_expires_at
FROM webhooks WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id);

-- name: SetWebhookSecrets :execrows
UPDATE webhooks
SET secret = sqlc.arg(secret), previous_secret = sqlc.arg(previous_secret),
    previous_secret_expires_at = sqlc.arg(previous_secret_expires_at)
WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id);

-- name: ListWebhooks :many
-- The total counts at most porter.TotalCap+1 rows: a page costs the same
-- however many match.
WITH capped AS (SELECT 1 FROM webhooks WHERE webhooks.org_id = sqlc.arg(org_id) AND (CAST(sqlc.arg(enabled) AS TEXT) = '' OR (CASE WHEN webhooks.enabled THEN 'true' ELSE 'false' END) = CAST(sqlc.arg(enabled) AS TEXT)) AND (CAST(sqlc.arg(source) AS TEXT) = '' OR webhooks.source = CAST(sqlc.arg(source) AS TEXT)) AND webhooks.updated_at >= sqlc.arg(updated_since) LIMIT 10001)
SELECT sqlc.embed(webhooks), (SELECT count(*) FROM capped) AS total
FROM webhooks
WHERE webhooks.org_id = sqlc.arg(org_id)
  AND (CAST(sqlc.arg(enabled) AS TEXT) = ''
       OR (CASE WHEN webhooks.enabled THEN 'true' ELSE 'false' END) = CAST(sqlc.arg(enabled) AS TEXT))
  AND (CAST(sqlc.arg(source) AS TEXT) = '' OR webhooks.source = CAST(sqlc.arg(source) AS TEXT))
  AND webhooks.updated_at >= sqlc.arg(updated_since)
  AND webhooks.id < CAST(sqlc.arg(below_id) AS BIGINT)
ORDER BY id DESC
LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off);

-- name: ListWebhookSigningKeys :many
-- The sealed keys of the organization's ed25519 webhooks, for its JWKS.
SELECT id, secret, previous_secret, previous_secret_expires_at
FROM webhooks WHERE org_id = sqlc.arg(org_id) AND signature = 'ed25519' ORDER BY id;
