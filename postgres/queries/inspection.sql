-- name: ListItemsOfInspections :many
-- A page of inspections' items in one query, not one per inspection.
SELECT * FROM inspection_items
WHERE org_id = sqlc.arg(org_id) AND inspection_id = ANY(sqlc.arg(ids)::BIGINT[])
ORDER BY inspection_id, id;
