-- name: HitRateLimit :one
INSERT INTO rate_limits (key_id, window_start, count)
VALUES (sqlc.arg(key_id), sqlc.arg(window_start), 1)
ON CONFLICT (key_id, window_start) DO UPDATE SET count = rate_limits.count + 1
RETURNING count;

-- name: PruneRateLimits :exec
DELETE FROM rate_limits WHERE window_start < sqlc.arg(before);
