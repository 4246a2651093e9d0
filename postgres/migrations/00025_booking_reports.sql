-- +goose Up
-- The revenue and occupancy reports read every stay of up to two years.
-- The occupancy report reads only the index; the nightly prices stay out
-- of it, as a long stay's would pass a B-tree entry's size limit.
CREATE INDEX bookings_report ON bookings (org_id, check_in, check_out) INCLUDE (status, property_id, unit_id, currency);

-- +goose Down
DROP INDEX bookings_report;
