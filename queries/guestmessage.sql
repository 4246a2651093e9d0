-- Short-term rentals: messages to guests (the outbox's "whatsapp" channel)
-- and their templates.

-- name: InsertWhatsAppTemplate :one
INSERT INTO whatsapp_templates (org_id, name, body, created_at, updated_at)
VALUES (sqlc.arg(org_id), sqlc.arg(name), sqlc.arg(body), sqlc.arg(created_at), sqlc.arg(updated_at))
ON CONFLICT (org_id, name) DO NOTHING
RETURNING id;

-- name: GetWhatsAppTemplate :one
SELECT * FROM whatsapp_templates WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id);

-- name: ListWhatsAppTemplates :many
SELECT * FROM whatsapp_templates WHERE org_id = sqlc.arg(org_id) ORDER BY name LIMIT 1000;

-- name: InsertGuestMessage :one
INSERT INTO messages (org_id, channel, recipient, subject, body, status, booking_id, template_id, created_at)
VALUES (sqlc.arg(org_id), 'whatsapp', sqlc.arg(recipient), '', sqlc.arg(body), 'queued', sqlc.arg(booking_id),
    sqlc.narg(template_id), sqlc.arg(created_at))
RETURNING id;

-- name: GetGuestMessage :one
SELECT * FROM messages WHERE org_id = sqlc.arg(org_id) AND channel = 'whatsapp' AND id = sqlc.arg(id);

-- name: FailGuestMessage :execrows
-- The last failed attempt: failed for good, in the transaction that
-- records whatsapp.message_failed.
UPDATE messages SET status = 'failed', error = sqlc.arg(error), next_attempt_at = NULL
WHERE org_id = sqlc.arg(org_id) AND channel = 'whatsapp' AND id = sqlc.arg(id) AND status = 'queued';

-- name: ListGuestMessages :many
WITH capped AS (SELECT 1 FROM messages WHERE messages.org_id = sqlc.arg(org_id) AND messages.channel = 'whatsapp'
    AND (CAST(sqlc.arg(booking_id) AS BIGINT) = 0 OR messages.booking_id = sqlc.arg(booking_id))
    AND (sqlc.arg(status) = '' OR messages.status = sqlc.arg(status)) LIMIT 10001)
SELECT sqlc.embed(messages), (SELECT count(*) FROM capped) AS total
FROM messages
WHERE messages.org_id = sqlc.arg(org_id) AND messages.channel = 'whatsapp'
  AND (CAST(sqlc.arg(booking_id) AS BIGINT) = 0 OR messages.booking_id = sqlc.arg(booking_id))
  AND (sqlc.arg(status) = '' OR messages.status = sqlc.arg(status))
  AND messages.id < CAST(sqlc.arg(below_id) AS BIGINT)
ORDER BY id DESC
LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off);
