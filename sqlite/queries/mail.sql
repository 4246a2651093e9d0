-- name: ClaimMessages :many
-- SQLite has one writer at a time: the UPDATE is the lock.
UPDATE messages SET attempts = attempts + 1, next_attempt_at = sqlc.arg(hold_until)
WHERE id IN (
    SELECT q.id FROM messages q
    WHERE q.status = 'queued' AND q.channel = sqlc.arg(channel)
      AND (q.next_attempt_at IS NULL OR q.next_attempt_at <= sqlc.arg(now))
    ORDER BY q.id
    LIMIT sqlc.arg(lim))
RETURNING *;
