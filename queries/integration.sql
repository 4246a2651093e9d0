-- Integrations (issue 11): connectors, the links from source records to
-- Porter records, and the integration log.

-- name: InsertIntegration :one
INSERT INTO integrations (org_id, name, type, endpoint_url, credential_type, credentials_sealed, secret_sealed, token_hash,
    sync_mode, sync_interval_seconds, enabled, status, mapping, created_at, updated_at, poll_url)
VALUES (sqlc.arg(org_id), sqlc.arg(name), sqlc.arg(type), sqlc.arg(endpoint_url), sqlc.arg(credential_type), sqlc.narg(credentials_sealed),
    sqlc.arg(secret_sealed), sqlc.arg(token_hash), sqlc.arg(sync_mode), sqlc.arg(sync_interval_seconds), sqlc.arg(enabled),
    sqlc.arg(status), sqlc.arg(mapping), sqlc.arg(created_at), sqlc.arg(updated_at), sqlc.arg(poll_url))
RETURNING id;

-- name: GetIntegration :one
SELECT * FROM integrations WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id);

-- name: GetIntegrationByToken :one
SELECT org_id, id FROM integrations WHERE token_hash = sqlc.arg(token_hash);

-- name: UpdateIntegration :execrows
UPDATE integrations SET name = sqlc.arg(name), type = sqlc.arg(type), endpoint_url = sqlc.arg(endpoint_url),
    credential_type = sqlc.arg(credential_type), credentials_sealed = sqlc.narg(credentials_sealed), sync_mode = sqlc.arg(sync_mode),
    sync_interval_seconds = sqlc.arg(sync_interval_seconds), enabled = sqlc.arg(enabled), status = sqlc.arg(status),
    mapping = sqlc.arg(mapping), open_errors = sqlc.arg(open_errors), last_error = sqlc.arg(last_error),
    last_error_at = sqlc.narg(last_error_at), last_success_at = sqlc.narg(last_success_at),
    -- A first sync completes once: an edit that read the row before it
    -- completed must not undo it (seed 001's DATA_NEW gate).
    first_sync_completed_at = COALESCE(first_sync_completed_at, sqlc.narg(first_sync_completed_at)), updated_at = sqlc.arg(updated_at), poll_url = sqlc.arg(poll_url)
WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id);

-- name: SetIntegrationSecret :execrows
UPDATE integrations SET secret_sealed = sqlc.arg(secret_sealed), token_hash = sqlc.arg(token_hash), updated_at = sqlc.arg(updated_at)
WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id);

-- name: GetIntegrationSecret :one
SELECT secret_sealed FROM integrations WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id);

-- name: CountIntegrationRejected :execrows
-- Atomic, so that concurrent rejected calls all count.
UPDATE integrations SET rejected_count = rejected_count + 1 WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id);

-- name: DeleteIntegration :execrows
DELETE FROM integrations WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id);

-- name: DeleteIntegrationLinks :exec
DELETE FROM integration_links WHERE org_id = sqlc.arg(org_id) AND integration_id = sqlc.arg(integration_id);

-- name: DeleteIntegrationLogRows :exec
DELETE FROM integration_log WHERE org_id = sqlc.arg(org_id) AND integration_id = sqlc.arg(integration_id);

-- name: ListIntegrations :many
WITH capped AS (SELECT 1 FROM integrations WHERE integrations.org_id = sqlc.arg(org_id)
    AND (sqlc.arg(type) = '' OR integrations.type = sqlc.arg(type))
    AND (sqlc.arg(status) = '' OR integrations.status = sqlc.arg(status))
    AND integrations.updated_at >= sqlc.arg(updated_since) LIMIT 10001)
SELECT sqlc.embed(integrations), (SELECT count(*) FROM capped) AS total
FROM integrations
WHERE integrations.org_id = sqlc.arg(org_id)
  AND (sqlc.arg(type) = '' OR integrations.type = sqlc.arg(type))
  AND (sqlc.arg(status) = '' OR integrations.status = sqlc.arg(status))
  AND integrations.updated_at >= sqlc.arg(updated_since)
  AND integrations.id < CAST(sqlc.arg(below_id) AS BIGINT)
ORDER BY id DESC
LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off);

-- name: GetIntegrationLink :one
SELECT * FROM integration_links
WHERE org_id = sqlc.arg(org_id) AND integration_id = sqlc.arg(integration_id) AND entity = sqlc.arg(entity) AND source_id = sqlc.arg(source_id);

-- name: UpsertIntegrationLink :exec
INSERT INTO integration_links (org_id, integration_id, entity, source_id, target_type, target_id, created_at, updated_at)
VALUES (sqlc.arg(org_id), sqlc.arg(integration_id), sqlc.arg(entity), sqlc.arg(source_id), sqlc.arg(target_type), sqlc.arg(target_id),
    sqlc.arg(created_at), sqlc.arg(updated_at))
ON CONFLICT (org_id, integration_id, entity, source_id) DO UPDATE SET target_type = excluded.target_type,
    target_id = excluded.target_id, updated_at = excluded.updated_at;

-- name: InsertIntegrationLog :one
INSERT INTO integration_log (org_id, integration_id, received_at, entity, source_id, target_type, target_id, status, error, raw,
    truncated, attempts, updated_at, http_status, duration_ms)
VALUES (sqlc.arg(org_id), sqlc.arg(integration_id), sqlc.arg(received_at), sqlc.arg(entity), sqlc.arg(source_id), sqlc.arg(target_type),
    sqlc.narg(target_id), sqlc.arg(status), sqlc.arg(error), sqlc.arg(raw), sqlc.arg(truncated), sqlc.arg(attempts), sqlc.arg(updated_at),
    sqlc.narg(http_status), sqlc.narg(duration_ms))
RETURNING id;

-- name: UpdateIntegrationLog :execrows
UPDATE integration_log SET target_type = sqlc.arg(target_type), target_id = sqlc.narg(target_id), status = sqlc.arg(status),
    error = sqlc.arg(error), attempts = sqlc.arg(attempts), updated_at = sqlc.arg(updated_at)
WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id);

-- name: SupersedeIntegrationErrors :exec
-- A source record applied at last closes the errors it had before.
UPDATE integration_log SET superseded_by = sqlc.arg(by_id)
WHERE org_id = sqlc.arg(org_id) AND integration_id = sqlc.arg(integration_id) AND entity = sqlc.arg(entity)
  AND source_id = sqlc.arg(source_id) AND status = 'error' AND superseded_by IS NULL AND id < sqlc.arg(by_id);

-- name: OpenIntegrationErrors :many
-- The errors still open, oldest first, for Retry Failed.
SELECT * FROM integration_log
WHERE org_id = sqlc.arg(org_id) AND integration_id = sqlc.arg(integration_id) AND status = 'error' AND superseded_by IS NULL
  AND id > sqlc.arg(after_id)
ORDER BY id
LIMIT sqlc.arg(lim);

-- name: CountOpenIntegrationErrors :one
SELECT count(*) FROM integration_log
WHERE org_id = sqlc.arg(org_id) AND integration_id = sqlc.arg(integration_id) AND status = 'error' AND superseded_by IS NULL;

-- name: ListIntegrationLog :many
WITH capped AS (SELECT 1 FROM integration_log WHERE integration_log.org_id = sqlc.arg(org_id)
    AND integration_log.integration_id = sqlc.arg(integration_id)
    AND (sqlc.arg(status) = '' OR integration_log.status = sqlc.arg(status))
    AND (sqlc.arg(entity) = '' OR integration_log.entity = sqlc.arg(entity))
    AND (sqlc.arg(source_id) = '' OR integration_log.source_id = sqlc.arg(source_id))
    AND integration_log.received_at >= sqlc.arg(from_at) AND integration_log.received_at < sqlc.arg(to_at) LIMIT 10001)
SELECT sqlc.embed(integration_log), (SELECT count(*) FROM capped) AS total
FROM integration_log
WHERE integration_log.org_id = sqlc.arg(org_id)
  AND integration_log.integration_id = sqlc.arg(integration_id)
  AND (sqlc.arg(status) = '' OR integration_log.status = sqlc.arg(status))
  AND (sqlc.arg(entity) = '' OR integration_log.entity = sqlc.arg(entity))
  AND (sqlc.arg(source_id) = '' OR integration_log.source_id = sqlc.arg(source_id))
  AND integration_log.received_at >= sqlc.arg(from_at) AND integration_log.received_at < sqlc.arg(to_at)
  AND integration_log.id < CAST(sqlc.arg(below_id) AS BIGINT)
ORDER BY id DESC
LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off);

-- name: CountIntegrationFirstSyncRecords :execrows
-- Seed 001's first-sync gate: n more records applied while the first sync
-- runs. It matches no row once the sync completed, which is how a record's
-- transaction learns whether it is part of the first sync; the row lock it
-- takes orders it against the transaction that completes the sync.
UPDATE integrations SET first_sync_records = first_sync_records + sqlc.arg(n)
WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id) AND first_sync_completed_at IS NULL;
