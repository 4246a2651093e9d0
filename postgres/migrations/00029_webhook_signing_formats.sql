-- +goose Up
-- Issue 12 (signing and formats): how each webhook signs and shapes its
-- deliveries, and the organization's public id that names its JWKS URL.
ALTER TABLE webhooks ADD COLUMN signature TEXT NOT NULL DEFAULT 'hmac-sha256';
ALTER TABLE webhooks ADD COLUMN public_key TEXT NOT NULL DEFAULT '';
ALTER TABLE webhooks ADD COLUMN payload_format TEXT NOT NULL DEFAULT 'porter';
ALTER TABLE webhooks ADD COLUMN signature_header TEXT NOT NULL DEFAULT 'X-PM-Signature';

-- The public id is in a URL anyone may fetch: random (gen_random_uuid
-- draws from the system's strong source), never the row id. A volatile
-- default gives every existing row its own.
ALTER TABLE organizations ADD COLUMN public_id TEXT NOT NULL
    DEFAULT 'org_' || replace(gen_random_uuid()::text, '-', '');
CREATE UNIQUE INDEX organizations_public_id ON organizations (public_id);

-- +goose Down
DROP INDEX organizations_public_id;
ALTER TABLE organizations DROP COLUMN public_id;
ALTER TABLE webhooks DROP COLUMN signature_header;
ALTER TABLE webhooks DROP COLUMN payload_format;
ALTER TABLE webhooks DROP COLUMN public_key;
ALTER TABLE webhooks DROP COLUMN signature;
