-- name: InsertOrganization :one
INSERT INTO organizations (name, lease_alert_days, charge_categories, created_at)
VALUES (sqlc.arg(name), sqlc.arg(lease_alert_days), sqlc.arg(charge_categories), sqlc.arg(created_at))
RETURNING id;

-- name: GetOrganization :one
SELECT * FROM organizations WHERE id = sqlc.arg(id);

-- name: ListOrganizations :many
SELECT * FROM organizations ORDER BY id;

-- name: UpdateOrganization :exec
UPDATE organizations SET name = sqlc.arg(name), lease_alert_days = sqlc.arg(lease_alert_days),
    charge_categories = sqlc.arg(charge_categories)
WHERE id = sqlc.arg(id);

-- name: UpdateOrganizationRentalSettings :exec
-- Short-term rentals: the invoice number format and the review alert threshold.
UPDATE organizations SET invoice_number_format = sqlc.arg(invoice_number_format),
    review_alert_threshold = sqlc.arg(review_alert_threshold)
WHERE id = sqlc.arg(id);

-- name: GetOrganizationIDByPublicID :one
SELECT id FROM organizations WHERE public_id = sqlc.arg(public_id);
