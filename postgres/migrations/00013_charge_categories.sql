-- +goose Up
-- The categories an organization's charges may take, as a JSON array of
-- strings; seed 000's four by default. Existing charges keep theirs.
ALTER TABLE organizations ADD COLUMN charge_categories TEXT NOT NULL DEFAULT '["rent","utility","late_fee","other"]';

-- +goose Down
ALTER TABLE organizations DROP COLUMN charge_categories;
