-- The mail sender works across organizations: these are Store methods,
-- not Tx ones.

-- name: MarkMessageSent :execrows
UPDATE messages SET status = 'sent', sent_at = sqlc.arg(sent_at), error = '', next_attempt_at = NULL
WHERE id = sqlc.arg(id);

-- name: MarkMessageFailed :execrows
UPDATE messages SET status = sqlc.arg(status), error = sqlc.arg(error), next_attempt_at = sqlc.narg(next_attempt_at)
WHERE id = sqlc.arg(id);

-- name: QueuedMessagesAfter :many
SELECT * FROM messages
WHERE status = 'queued' AND id > sqlc.arg(after_id)
  AND (sqlc.arg(channel) = '' OR channel = sqlc.arg(channel))
ORDER BY id
LIMIT sqlc.arg(lim);
