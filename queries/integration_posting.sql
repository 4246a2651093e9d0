-- ERP / accounting posting (issue 11): posting rules and postings.

-- name: GetPostingRules :one
SELECT rules, webhook_id FROM integration_posting_rules
WHERE org_id = sqlc.arg(org_id) AND integration_id = sqlc.arg(integration_id);

-- name: PutPostingRules :exec
INSERT INTO integration_posting_rules (integration_id, org_id, rules, webhook_id, updated_at)
VALUES (sqlc.arg(integration_id), sqlc.arg(org_id), sqlc.arg(rules), sqlc.narg(webhook_id), sqlc.arg(updated_at))
ON CONFLICT (integration_id) DO UPDATE SET rules = excluded.rules, webhook_id = excluded.webhook_id, updated_at = excluded.updated_at;

-- name: DeletePostingRules :exec
DELETE FROM integration_posting_rules WHERE org_id = sqlc.arg(org_id) AND integration_id = sqlc.arg(integration_id);

-- name: ListPostingRules :many
SELECT r.integration_id, r.rules, r.webhook_id FROM integration_posting_rules r
JOIN integrations i ON i.id = r.integration_id AND i.org_id = r.org_id
WHERE r.org_id = sqlc.arg(org_id) AND i.enabled
ORDER BY r.integration_id;

-- name: InsertPosting :many
-- ON CONFLICT: the source was posted already (another node, a retry);
-- no row comes back and nothing is written.
INSERT INTO integration_postings (org_id, integration_id, source_key, source_type, source_id, rule, period, entry_date, amount,
    currency, invoice_period, invoice_seq, document, webhook_id, created_at)
VALUES (sqlc.arg(org_id), sqlc.arg(integration_id), sqlc.arg(source_key), sqlc.arg(source_type), sqlc.arg(source_id), sqlc.arg(rule),
    sqlc.arg(period), sqlc.arg(entry_date), sqlc.arg(amount), sqlc.arg(currency), sqlc.arg(invoice_period), sqlc.arg(invoice_seq),
    sqlc.arg(document), sqlc.narg(webhook_id), sqlc.arg(created_at))
ON CONFLICT (integration_id, source_key) DO NOTHING
RETURNING id;

-- name: SetPostingDocument :execrows
UPDATE integration_postings SET document = sqlc.arg(document), event_id = sqlc.arg(event_id)
WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id);

-- name: NextPostingInvoiceSeq :one
SELECT CAST(COALESCE(MAX(invoice_seq), 0) + 1 AS BIGINT) FROM integration_postings
WHERE org_id = sqlc.arg(org_id) AND integration_id = sqlc.arg(integration_id) AND invoice_period = sqlc.arg(invoice_period);

-- name: GetPosting :one
SELECT * FROM integration_postings
WHERE org_id = sqlc.arg(org_id) AND integration_id = sqlc.arg(integration_id) AND id = sqlc.arg(id);

-- name: ListPostings :many
WITH capped AS (SELECT 1 FROM integration_postings WHERE integration_postings.org_id = sqlc.arg(org_id)
    AND integration_postings.integration_id = sqlc.arg(integration_id)
    AND (CAST(sqlc.arg(source_type) AS TEXT) = '' OR integration_postings.source_type = CAST(sqlc.arg(source_type) AS TEXT))
    AND integration_postings.created_at >= sqlc.arg(from_at) AND integration_postings.created_at < sqlc.arg(to_at) LIMIT 10001)
SELECT sqlc.embed(integration_postings), (SELECT count(*) FROM capped) AS total
FROM integration_postings
WHERE integration_postings.org_id = sqlc.arg(org_id)
  AND integration_postings.integration_id = sqlc.arg(integration_id)
  AND (CAST(sqlc.arg(source_type) AS TEXT) = '' OR integration_postings.source_type = CAST(sqlc.arg(source_type) AS TEXT))
  AND integration_postings.created_at >= sqlc.arg(from_at) AND integration_postings.created_at < sqlc.arg(to_at)
  AND integration_postings.id < CAST(sqlc.arg(below_id) AS BIGINT)
ORDER BY id DESC
LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off);

-- name: ExportPostings :many
-- The CSV export: oldest first, after after_id, a page at a time.
SELECT * FROM integration_postings
WHERE org_id = sqlc.arg(org_id) AND integration_id = sqlc.arg(integration_id)
  AND created_at >= sqlc.arg(from_at) AND created_at < sqlc.arg(to_at) AND id > sqlc.arg(after_id)
ORDER BY id
LIMIT sqlc.arg(lim);

-- name: ListClosedWorkOrderCosts :many
-- Month end: the work orders closed in [from_at, to_at) with a cost.
SELECT id, property_id, category, vendor_id, cost FROM work_orders
WHERE org_id = sqlc.arg(org_id) AND status = 'closed' AND cost > 0
  AND closed_at >= sqlc.arg(from_at) AND closed_at < sqlc.arg(to_at)
ORDER BY property_id, id;
