-- Short-term rentals: owners and the properties they own.

-- name: InsertOwner :one
INSERT INTO owners (org_id, name, email, phone, company, payout_details, notes, created_at, updated_at)
VALUES (sqlc.arg(org_id), sqlc.arg(name), sqlc.arg(email), sqlc.arg(phone), sqlc.arg(company), sqlc.arg(payout_details),
        sqlc.arg(notes), sqlc.arg(created_at), sqlc.arg(updated_at))
RETURNING id;

-- name: GetOwner :one
SELECT * FROM owners WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id);

-- name: UpdateOwner :execrows
UPDATE owners
SET name = sqlc.arg(name), email = sqlc.arg(email), phone = sqlc.arg(phone), company = sqlc.arg(company),
    payout_details = sqlc.arg(payout_details), notes = sqlc.arg(notes), updated_at = sqlc.arg(updated_at)
WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id);

-- name: DeleteOwner :execrows
DELETE FROM owners WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id);

-- name: ListOwners :many
WITH capped AS (SELECT 1 FROM owners WHERE owners.org_id = sqlc.arg(org_id) AND (sqlc.arg(email) = '' OR owners.email = sqlc.arg(email)) AND owners.updated_at >= sqlc.arg(updated_since) LIMIT 10001)
SELECT sqlc.embed(owners), (SELECT count(*) FROM capped) AS total
FROM owners
WHERE owners.org_id = sqlc.arg(org_id)
  AND (sqlc.arg(email) = '' OR owners.email = sqlc.arg(email))
  AND owners.updated_at >= sqlc.arg(updated_since)
  AND owners.id < CAST(sqlc.arg(below_id) AS BIGINT)
ORDER BY id DESC
LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off);

-- name: CountOwnerInvoices :one
SELECT count(*) FROM invoices WHERE org_id = sqlc.arg(org_id) AND owner_id = sqlc.arg(owner_id);

-- name: InsertOwnership :one
INSERT INTO ownerships (org_id, owner_id, property_id, commission_rate, management_fee, cleaning_fee, start_date, end_date, created_at, updated_at)
VALUES (sqlc.arg(org_id), sqlc.arg(owner_id), sqlc.arg(property_id), sqlc.arg(commission_rate), sqlc.arg(management_fee),
        sqlc.arg(cleaning_fee), sqlc.arg(start_date), sqlc.narg(end_date), sqlc.arg(created_at), sqlc.arg(updated_at))
RETURNING id;

-- name: GetOwnership :one
SELECT * FROM ownerships WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id);

-- name: UpdateOwnership :execrows
UPDATE ownerships
SET commission_rate = sqlc.arg(commission_rate), management_fee = sqlc.arg(management_fee), cleaning_fee = sqlc.arg(cleaning_fee),
    start_date = sqlc.arg(start_date), end_date = sqlc.narg(end_date), updated_at = sqlc.arg(updated_at)
WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id);

-- name: OwnershipsOfOwner :many
SELECT * FROM ownerships WHERE org_id = sqlc.arg(org_id) AND owner_id = sqlc.arg(owner_id) ORDER BY start_date DESC, id DESC;

-- name: OwnershipsOfProperty :many
SELECT * FROM ownerships WHERE org_id = sqlc.arg(org_id) AND property_id = sqlc.arg(property_id) ORDER BY start_date DESC, id DESC;
