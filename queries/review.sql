-- Short-term rentals: guest reviews.

-- name: InsertReview :one
-- A second (source, external_id) inserts nothing and returns no row.
INSERT INTO reviews (org_id, source, external_id, rating, title, body, author_name, booking_id, property_id, unit_id,
    below_threshold, received_at, created_at)
VALUES (sqlc.arg(org_id), sqlc.arg(source), sqlc.narg(external_id), sqlc.arg(rating), sqlc.arg(title), sqlc.arg(body),
    sqlc.arg(author_name), sqlc.narg(booking_id), sqlc.narg(property_id), sqlc.narg(unit_id), sqlc.arg(below_threshold),
    sqlc.arg(received_at), sqlc.arg(created_at))
ON CONFLICT (org_id, source, external_id) DO NOTHING
RETURNING id;

-- name: GetReview :one
SELECT * FROM reviews WHERE org_id = sqlc.arg(org_id) AND id = sqlc.arg(id);

-- name: GetReviewByExternalID :one
SELECT * FROM reviews WHERE org_id = sqlc.arg(org_id) AND source = sqlc.arg(source) AND external_id = sqlc.arg(external_id);

-- name: ListReviews :many
WITH capped AS (SELECT 1 FROM reviews WHERE reviews.org_id = sqlc.arg(org_id)
    AND (CAST(sqlc.arg(property_id) AS BIGINT) = 0 OR reviews.property_id = sqlc.arg(property_id))
    AND (sqlc.arg(source) = '' OR reviews.source = sqlc.arg(source))
    AND reviews.rating >= sqlc.arg(min_rating) AND reviews.rating <= sqlc.arg(max_rating)
    AND reviews.received_at >= sqlc.arg(received_from) AND reviews.received_at < sqlc.arg(received_to)
    AND reviews.created_at >= sqlc.arg(updated_since) LIMIT 10001)
SELECT sqlc.embed(reviews), (SELECT count(*) FROM capped) AS total
FROM reviews
WHERE reviews.org_id = sqlc.arg(org_id)
  AND (CAST(sqlc.arg(property_id) AS BIGINT) = 0 OR reviews.property_id = sqlc.arg(property_id))
  AND (sqlc.arg(source) = '' OR reviews.source = sqlc.arg(source))
  AND reviews.rating >= sqlc.arg(min_rating) AND reviews.rating <= sqlc.arg(max_rating)
  AND reviews.received_at >= sqlc.arg(received_from) AND reviews.received_at < sqlc.arg(received_to)
  AND reviews.created_at >= sqlc.arg(updated_since)
  AND reviews.id < CAST(sqlc.arg(below_id) AS BIGINT)
ORDER BY id DESC
LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off);
