-- Rows a transaction is about to change, locked so that concurrent
-- writers take turns instead of overwriting each other (READ COMMITTED).

-- name: GetPropertyForUpdate :one
SELECT * FROM properties WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id) FOR UPDATE;

-- name: GetUnitForUpdate :one
SELECT * FROM units WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id) FOR UPDATE;

-- name: GetTenantForUpdate :one
SELECT * FROM tenants WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id) FOR UPDATE;

-- name: GetVendorForUpdate :one
SELECT * FROM vendors WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id) FOR UPDATE;

-- name: GetStaffForUpdate :one
SELECT * FROM staff WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id) FOR UPDATE;

-- name: GetInspectionForUpdate :one
SELECT * FROM inspections WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id) FOR UPDATE;

-- name: GetOrganizationForUpdate :one
SELECT * FROM organizations WHERE id = sqlc.arg(id) FOR UPDATE;
