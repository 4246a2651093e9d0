-- +goose Up
-- What the work cost, in cents, recorded when it is completed.
ALTER TABLE work_orders ADD COLUMN cost BIGINT NOT NULL DEFAULT 0 CHECK (cost >= 0);

-- +goose Down
ALTER TABLE work_orders DROP COLUMN cost;
