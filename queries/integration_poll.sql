-- The scheduled REST poll of integrations (issue 11).

-- name: DueIntegrationPolls :many
-- The scheduled integrations due for a poll that no node holds.
SELECT integrations.id FROM integrations
LEFT JOIN integration_polls ON integration_polls.org_id = integrations.org_id AND integration_polls.integration_id = integrations.id
WHERE integrations.org_id = sqlc.arg(org_id) AND integrations.sync_mode = 'scheduled' AND integrations.enabled = TRUE
  AND integrations.poll_url <> ''
  AND (integration_polls.integration_id IS NULL OR (integration_polls.next_poll_at <= sqlc.arg(now)
    AND (integration_polls.lease_until IS NULL OR integration_polls.lease_until < sqlc.arg(now))))
ORDER BY integrations.id;

-- name: FinishIntegrationPoll :execrows
UPDATE integration_polls SET next_poll_at = sqlc.arg(next_poll_at), lease_until = NULL, watermark = sqlc.arg(watermark),
    resume_cursor = sqlc.arg(resume_cursor), cycle_started_at = sqlc.narg(cycle_started_at), failures = sqlc.arg(failures),
    last_poll_at = sqlc.narg(last_poll_at)
WHERE org_id = sqlc.arg(org_id) AND integration_id = sqlc.arg(integration_id);

-- name: GetIntegrationPoll :one
SELECT * FROM integration_polls WHERE org_id = sqlc.arg(org_id) AND integration_id = sqlc.arg(integration_id);
