-- name: HitRateLimit :one
-- hits is how many requests one node counts at once (see ratelimit.go).
INSERT INTO rate_limits (key_id, window_start, count)
VALUES (sqlc.arg(key_id), sqlc.arg(window_start), sqlc.arg(hits)::int)
ON CONFLICT (key_id, window_start) DO UPDATE SET count = rate_limits.count + EXCLUDED.count
RETURNING count;

-- name: PruneRateLimits :exec
DELETE FROM rate_limits WHERE window_start < sqlc.arg(before);
