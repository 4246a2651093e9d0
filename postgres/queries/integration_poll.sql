-- The claim of an integration's poll; SQLite's is in sqlite/integrationpoll.go
-- (sqlc cannot read its upsert's WHERE).

-- name: ClaimIntegrationPoll :one
-- Leases one integration's poll to the caller until until, if no other
-- node holds it and it is due by due_by: a claim that returns no row
-- leaves the poll to the node that holds it.
INSERT INTO integration_polls (org_id, integration_id, next_poll_at, lease_until)
VALUES (sqlc.arg(org_id), sqlc.arg(integration_id), sqlc.arg(now), sqlc.arg(until))
ON CONFLICT (org_id, integration_id) DO UPDATE SET lease_until = excluded.lease_until
WHERE (integration_polls.lease_until IS NULL OR integration_polls.lease_until < sqlc.arg(now))
  AND integration_polls.next_poll_at <= sqlc.arg(due_by)
RETURNING *;

