-- name: PruneRateLimits :exec
DELETE FROM rate_limits WHERE window_start < sqlc.arg(before);
