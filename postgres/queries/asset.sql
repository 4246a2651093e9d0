-- Facility records that a transaction is about to change, locked so that
-- concurrent writers take turns (READ COMMITTED).

-- name: GetAssetCategoryForUpdate :one
SELECT * FROM asset_categories WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id) FOR UPDATE;

-- name: GetAssetForUpdate :one
SELECT * FROM assets WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id) FOR UPDATE;

-- name: GetWarrantyForUpdate :one
SELECT * FROM warranties WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id) FOR UPDATE;

-- name: GetWarrantyClaimForUpdate :one
SELECT * FROM warranty_claims WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id) FOR UPDATE;

-- name: GetCertificateForUpdate :one
SELECT * FROM certificates WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id) FOR UPDATE;
