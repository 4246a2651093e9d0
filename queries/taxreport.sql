-- Short-term rentals: tourist tax rules and reports.

-- name: UpsertTaxRule :exec
INSERT INTO tax_rules (org_id, property_id, per_guest_night, percent, max_nights, updated_at)
VALUES (sqlc.arg(org_id), sqlc.arg(property_id), sqlc.arg(per_guest_night), sqlc.arg(percent), sqlc.arg(max_nights), sqlc.arg(updated_at))
ON CONFLICT (org_id, property_id) DO UPDATE SET per_guest_night = excluded.per_guest_night, percent = excluded.percent,
    max_nights = excluded.max_nights, updated_at = excluded.updated_at;

-- name: ListTaxRules :many
SELECT * FROM tax_rules WHERE org_id = sqlc.arg(org_id) ORDER BY property_id;

-- name: InsertTaxReport :one
-- A second report for the same property, month and currency inserts
-- nothing and returns no row.
INSERT INTO tax_reports (org_id, property_id, property_name, month, currency, stays, nights, guest_nights,
    taxable_guest_nights, accommodation, tax_due, rule, created_at)
VALUES (sqlc.arg(org_id), sqlc.arg(property_id), sqlc.arg(property_name), sqlc.arg(month), sqlc.arg(currency), sqlc.arg(stays),
    sqlc.arg(nights), sqlc.arg(guest_nights), sqlc.arg(taxable_guest_nights), sqlc.arg(accommodation), sqlc.arg(tax_due),
    sqlc.arg(rule), sqlc.arg(created_at))
ON CONFLICT (org_id, property_id, month, currency) DO NOTHING
RETURNING id;

-- name: TaxReportsOfMonth :many
SELECT * FROM tax_reports WHERE org_id = sqlc.arg(org_id) AND property_id = sqlc.arg(property_id) AND month = sqlc.arg(month)
ORDER BY currency;

-- name: ListTaxReports :many
WITH capped AS (SELECT 1 FROM tax_reports WHERE tax_reports.org_id = sqlc.arg(org_id)
    AND (CAST(sqlc.arg(property_id) AS BIGINT) = 0 OR tax_reports.property_id = sqlc.arg(property_id))
    AND (CAST(sqlc.arg(month) AS TEXT) = '' OR tax_reports.month = sqlc.arg(month))
    AND tax_reports.created_at >= sqlc.arg(updated_since) LIMIT 10001)
SELECT sqlc.embed(tax_reports), (SELECT count(*) FROM capped) AS total
FROM tax_reports
WHERE tax_reports.org_id = sqlc.arg(org_id)
  AND (CAST(sqlc.arg(property_id) AS BIGINT) = 0 OR tax_reports.property_id = sqlc.arg(property_id))
  AND (CAST(sqlc.arg(month) AS TEXT) = '' OR tax_reports.month = sqlc.arg(month))
  AND tax_reports.created_at >= sqlc.arg(updated_since)
  AND tax_reports.id < CAST(sqlc.arg(below_id) AS BIGINT)
ORDER BY id DESC
LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off);
