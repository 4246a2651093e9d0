-- name: ListLeaseTenantsIn :many
SELECT lease_id, tenant_id FROM lease_tenants
WHERE org_id = sqlc.arg(org_id) AND lease_id IN (SELECT value FROM json_each(sqlc.arg(lease_ids)))
ORDER BY lease_id, position;
