-- Facility records: asset categories, assets, warranties and their
-- claims, compliance certificates and their expiry alerts.

-- name: InsertAssetCategory :one
INSERT INTO asset_categories (org_id, name, name_key, created_at, updated_at)
VALUES (sqlc.arg(org_id), sqlc.arg(name), sqlc.arg(name_key), sqlc.arg(created_at), sqlc.arg(updated_at))
ON CONFLICT (org_id, name_key) DO NOTHING
RETURNING id;

-- name: GetAssetCategory :one
SELECT * FROM asset_categories WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id);

-- name: GetAssetCategoryByKey :one
SELECT * FROM asset_categories WHERE org_id = sqlc.arg(org_id) AND name_key = sqlc.arg(name_key);

-- name: ListAssetCategories :many
SELECT * FROM asset_categories WHERE org_id = sqlc.arg(org_id) ORDER BY name_key LIMIT 1000;

-- name: UpdateAssetCategory :execrows
UPDATE asset_categories SET name = sqlc.arg(name), name_key = sqlc.arg(name_key), updated_at = sqlc.arg(updated_at)
WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id);

-- name: DeleteAssetCategory :execrows
DELETE FROM asset_categories WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id);

-- name: CountAssetsInCategory :one
SELECT count(*) FROM assets WHERE org_id = sqlc.arg(org_id) AND category_id = sqlc.arg(category_id);

-- name: InsertAsset :one
INSERT INTO assets (org_id, property_id, unit_id, category_id, name, make, model, serial, install_date, condition,
                    status, location, notes, external_ref, disposal_reason, disposed_at, created_at, updated_at)
VALUES (sqlc.arg(org_id), sqlc.arg(property_id), sqlc.narg(unit_id), sqlc.narg(category_id), sqlc.arg(name),
        sqlc.arg(make), sqlc.arg(model), sqlc.arg(serial), sqlc.arg(install_date), sqlc.arg(condition),
        sqlc.arg(status), sqlc.arg(location), sqlc.arg(notes), sqlc.arg(external_ref), sqlc.arg(disposal_reason),
        sqlc.narg(disposed_at), sqlc.arg(created_at), sqlc.arg(updated_at))
RETURNING id;

-- name: GetAsset :one
SELECT sqlc.embed(assets), COALESCE(asset_categories.name, '') AS category_name
FROM assets LEFT JOIN asset_categories ON asset_categories.id = assets.category_id
WHERE assets.org_id = sqlc.arg(org_id) AND assets.id = sqlc.arg(id);

-- name: GetAssetByExternalRef :one
SELECT sqlc.embed(assets), COALESCE(asset_categories.name, '') AS category_name
FROM assets LEFT JOIN asset_categories ON asset_categories.id = assets.category_id
WHERE assets.org_id = sqlc.arg(org_id) AND assets.external_ref = sqlc.arg(external_ref) AND assets.external_ref <> '';

-- name: UpdateAsset :execrows
UPDATE assets
SET property_id = sqlc.arg(property_id), unit_id = sqlc.narg(unit_id), category_id = sqlc.narg(category_id),
    name = sqlc.arg(name), make = sqlc.arg(make), model = sqlc.arg(model), serial = sqlc.arg(serial),
    install_date = sqlc.arg(install_date), condition = sqlc.arg(condition), status = sqlc.arg(status),
    location = sqlc.arg(location), notes = sqlc.arg(notes), external_ref = sqlc.arg(external_ref),
    disposal_reason = sqlc.arg(disposal_reason), disposed_at = sqlc.narg(disposed_at), updated_at = sqlc.arg(updated_at)
WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id);

-- name: ListAssets :many
-- The total counts at most porter.TotalCap+1 rows: a page costs the same
-- however many match.
WITH capped AS (SELECT 1 FROM assets WHERE assets.org_id = sqlc.arg(org_id) AND (sqlc.arg(property_id) = 0 OR assets.property_id = sqlc.arg(property_id)) AND (sqlc.arg(unit_id) = 0 OR assets.unit_id = sqlc.arg(unit_id)) AND (sqlc.arg(category_id) = 0 OR assets.category_id = sqlc.arg(category_id)) AND (sqlc.arg(condition) = '' OR assets.condition = sqlc.arg(condition)) AND (sqlc.arg(status) = '' OR assets.status = sqlc.arg(status)) AND (sqlc.arg(external_ref) = '' OR assets.external_ref = sqlc.arg(external_ref)) AND (sqlc.arg(search) = '' OR lower(assets.name) LIKE sqlc.arg(search) OR lower(assets.serial) LIKE sqlc.arg(search)) AND assets.updated_at >= sqlc.arg(updated_since) LIMIT 10001)
SELECT sqlc.embed(assets), COALESCE(asset_categories.name, '') AS category_name, (SELECT count(*) FROM capped) AS total
FROM assets LEFT JOIN asset_categories ON asset_categories.id = assets.category_id
WHERE assets.org_id = sqlc.arg(org_id)
  AND (sqlc.arg(property_id) = 0 OR assets.property_id = sqlc.arg(property_id))
  AND (sqlc.arg(unit_id) = 0 OR assets.unit_id = sqlc.arg(unit_id))
  AND (sqlc.arg(category_id) = 0 OR assets.category_id = sqlc.arg(category_id))
  AND (sqlc.arg(condition) = '' OR assets.condition = sqlc.arg(condition))
  AND (sqlc.arg(status) = '' OR assets.status = sqlc.arg(status))
  AND (sqlc.arg(external_ref) = '' OR assets.external_ref = sqlc.arg(external_ref))
  AND (sqlc.arg(search) = '' OR lower(assets.name) LIKE sqlc.arg(search) OR lower(assets.serial) LIKE sqlc.arg(search))
  AND assets.updated_at >= sqlc.arg(updated_since)
  AND assets.id < CAST(sqlc.arg(below_id) AS BIGINT)
ORDER BY assets.id DESC
LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off);

-- name: InsertWarranty :one
INSERT INTO warranties (org_id, asset_id, provider, contact, policy_number, start_date, end_date, coverage,
                        external_ref, created_at, updated_at)
VALUES (sqlc.arg(org_id), sqlc.arg(asset_id), sqlc.arg(provider), sqlc.arg(contact), sqlc.arg(policy_number),
        sqlc.arg(start_date), sqlc.arg(end_date), sqlc.arg(coverage), sqlc.arg(external_ref), sqlc.arg(created_at),
        sqlc.arg(updated_at))
RETURNING id;

-- name: GetWarranty :one
SELECT * FROM warranties WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id);

-- name: GetWarrantyByExternalRef :one
SELECT * FROM warranties WHERE org_id = sqlc.arg(org_id) AND external_ref = sqlc.arg(external_ref) AND external_ref <> '';

-- name: UpdateWarranty :execrows
UPDATE warranties
SET asset_id = sqlc.arg(asset_id), provider = sqlc.arg(provider), contact = sqlc.arg(contact),
    policy_number = sqlc.arg(policy_number), start_date = sqlc.arg(start_date), end_date = sqlc.arg(end_date),
    coverage = sqlc.arg(coverage), external_ref = sqlc.arg(external_ref), updated_at = sqlc.arg(updated_at)
WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id);

-- name: ListWarranties :many
-- An asset's warranties, latest end first; an asset has a handful.
SELECT * FROM warranties WHERE org_id = sqlc.arg(org_id) AND asset_id = sqlc.arg(asset_id)
ORDER BY end_date DESC, id DESC LIMIT 1000;

-- name: WarrantiesEndingBetween :many
-- The warranties of assets not disposed whose end date is from..to.
SELECT warranties.* FROM warranties JOIN assets ON assets.id = warranties.asset_id
WHERE warranties.org_id = sqlc.arg(org_id) AND assets.status <> 'disposed'
  AND warranties.end_date >= sqlc.arg(from_date) AND warranties.end_date <= sqlc.arg(to_date)
ORDER BY warranties.end_date, warranties.id;

-- name: InsertWarrantyClaim :one
INSERT INTO warranty_claims (org_id, warranty_id, status, description, work_order_id, notes, submitted_at, decided_at,
                             closed_at, created_at, updated_at)
VALUES (sqlc.arg(org_id), sqlc.arg(warranty_id), sqlc.arg(status), sqlc.arg(description), sqlc.narg(work_order_id),
        sqlc.arg(notes), sqlc.narg(submitted_at), sqlc.narg(decided_at), sqlc.narg(closed_at), sqlc.arg(created_at),
        sqlc.arg(updated_at))
RETURNING id;

-- name: GetWarrantyClaim :one
SELECT * FROM warranty_claims WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id);

-- name: UpdateWarrantyClaim :execrows
UPDATE warranty_claims
SET status = sqlc.arg(status), description = sqlc.arg(description), work_order_id = sqlc.narg(work_order_id),
    notes = sqlc.arg(notes), submitted_at = sqlc.narg(submitted_at), decided_at = sqlc.narg(decided_at),
    closed_at = sqlc.narg(closed_at), updated_at = sqlc.arg(updated_at)
WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id);

-- name: ListWarrantyClaims :many
SELECT * FROM warranty_claims WHERE org_id = sqlc.arg(org_id) AND warranty_id = sqlc.arg(warranty_id)
ORDER BY id DESC LIMIT 1000;

-- name: InsertCertificate :one
INSERT INTO certificates (org_id, type, property_id, asset_id, reference, issuer, issue_date, expiry_date, document_id,
                          notes, created_at, updated_at)
VALUES (sqlc.arg(org_id), sqlc.arg(type), sqlc.arg(property_id), sqlc.narg(asset_id), sqlc.arg(reference),
        sqlc.arg(issuer), sqlc.arg(issue_date), sqlc.arg(expiry_date), sqlc.narg(document_id), sqlc.arg(notes),
        sqlc.arg(created_at), sqlc.arg(updated_at))
RETURNING id;

-- name: GetCertificate :one
SELECT * FROM certificates WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id);

-- name: UpdateCertificate :execrows
UPDATE certificates
SET type = sqlc.arg(type), property_id = sqlc.arg(property_id), asset_id = sqlc.narg(asset_id),
    reference = sqlc.arg(reference), issuer = sqlc.arg(issuer), issue_date = sqlc.arg(issue_date),
    expiry_date = sqlc.arg(expiry_date), document_id = sqlc.narg(document_id), notes = sqlc.arg(notes),
    updated_at = sqlc.arg(updated_at)
WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id);

-- name: ListCertificates :many
-- The total counts at most porter.TotalCap+1 rows: a page costs the same
-- however many match. Expiry from..to bounds expiry_date ('' for none).
WITH capped AS (SELECT 1 FROM certificates WHERE certificates.org_id = sqlc.arg(org_id) AND (sqlc.arg(property_id) = 0 OR certificates.property_id = sqlc.arg(property_id)) AND (sqlc.arg(asset_id) = 0 OR certificates.asset_id = sqlc.arg(asset_id)) AND (sqlc.arg(type) = '' OR certificates.type = sqlc.arg(type)) AND (sqlc.arg(expiry_from) = '' OR certificates.expiry_date >= sqlc.arg(expiry_from)) AND (sqlc.arg(expiry_to) = '' OR certificates.expiry_date <= sqlc.arg(expiry_to)) AND certificates.updated_at >= sqlc.arg(updated_since) LIMIT 10001)
SELECT sqlc.embed(certificates), (SELECT count(*) FROM capped) AS total
FROM certificates
WHERE certificates.org_id = sqlc.arg(org_id)
  AND (sqlc.arg(property_id) = 0 OR certificates.property_id = sqlc.arg(property_id))
  AND (sqlc.arg(asset_id) = 0 OR certificates.asset_id = sqlc.arg(asset_id))
  AND (sqlc.arg(type) = '' OR certificates.type = sqlc.arg(type))
  AND (sqlc.arg(expiry_from) = '' OR certificates.expiry_date >= sqlc.arg(expiry_from))
  AND (sqlc.arg(expiry_to) = '' OR certificates.expiry_date <= sqlc.arg(expiry_to))
  AND certificates.updated_at >= sqlc.arg(updated_since)
  AND certificates.id < CAST(sqlc.arg(below_id) AS BIGINT)
ORDER BY id DESC
LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off);

-- name: CertificatesDue :many
-- The certificates whose expiry date is on or before to_date and whose
-- certificate.expired has not been recorded for that date.
SELECT * FROM certificates
WHERE certificates.org_id = sqlc.arg(org_id) AND certificates.expiry_date <= sqlc.arg(to_date)
  AND NOT EXISTS (SELECT 1 FROM expiry_alerts a WHERE a.record_type = 'certificate' AND a.record_id = certificates.id
                  AND a.threshold_days = -1 AND a.due_date = certificates.expiry_date)
ORDER BY certificates.expiry_date, certificates.id;

-- name: InsertExpiryAlert :execrows
INSERT INTO expiry_alerts (org_id, record_type, record_id, threshold_days, due_date, status, created_at)
VALUES (sqlc.arg(org_id), sqlc.arg(record_type), sqlc.arg(record_id), sqlc.arg(threshold_days), sqlc.arg(due_date),
        sqlc.arg(status), sqlc.arg(created_at))
ON CONFLICT (record_type, record_id, threshold_days, due_date) DO NOTHING;

-- name: UpdateOrganizationCertificateAlertDays :exec
-- Facility records: the days before expiry certificate.expiring_soon fires.
UPDATE organizations SET certificate_alert_days = sqlc.arg(certificate_alert_days) WHERE id = sqlc.arg(id);
