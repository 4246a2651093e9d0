-- +goose Up
-- Times are timestamptz (UTC); money is BIGINT cents.
CREATE TABLE organizations (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name             TEXT NOT NULL,
    lease_alert_days TEXT NOT NULL DEFAULT '[60]',
    created_at       TIMESTAMPTZ NOT NULL
);

CREATE TABLE api_keys (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id       BIGINT NOT NULL REFERENCES organizations (id),
    name         TEXT NOT NULL,
    prefix       TEXT NOT NULL,
    hash         BYTEA NOT NULL UNIQUE,
    scopes       TEXT NOT NULL,
    rate_limit   INTEGER NOT NULL DEFAULT 0,
    created_at   TIMESTAMPTZ NOT NULL,
    last_used_at TIMESTAMPTZ,
    expires_at   TIMESTAMPTZ,
    revoked_at   TIMESTAMPTZ
);
CREATE INDEX api_keys_org ON api_keys (org_id, id);

CREATE TABLE events (
    seq                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id              BIGINT NOT NULL REFERENCES organizations (id),
    type                TEXT NOT NULL,
    fired_at            TIMESTAMPTZ NOT NULL,
    resource_type       TEXT NOT NULL,
    resource_id         BIGINT NOT NULL,
    data                TEXT NOT NULL,
    previous_attributes TEXT
);
CREATE INDEX events_org_seq ON events (org_id, seq);
CREATE INDEX events_org_type_seq ON events (org_id, type, seq);

CREATE TABLE idempotency_keys (
    org_id       BIGINT NOT NULL REFERENCES organizations (id),
    key          TEXT NOT NULL,
    request_hash BYTEA NOT NULL,
    status       INTEGER NOT NULL DEFAULT 0,
    body         BYTEA,
    created_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (org_id, key)
);

CREATE TABLE messages (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id       BIGINT NOT NULL REFERENCES organizations (id),
    channel      TEXT NOT NULL,
    recipient    TEXT NOT NULL,
    subject      TEXT NOT NULL,
    body         TEXT NOT NULL,
    status       TEXT NOT NULL,
    broadcast_id BIGINT,
    error        TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMPTZ NOT NULL,
    sent_at      TIMESTAMPTZ
);
CREATE INDEX messages_status ON messages (status, id);
CREATE INDEX messages_org_broadcast ON messages (org_id, broadcast_id);

CREATE TABLE properties (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id      BIGINT NOT NULL REFERENCES organizations (id),
    name        TEXT NOT NULL,
    address     TEXT NOT NULL DEFAULT '',
    city        TEXT NOT NULL DEFAULT '',
    postal_code TEXT NOT NULL DEFAULT '',
    country     TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    archived_at TIMESTAMPTZ
);
CREATE INDEX properties_org ON properties (org_id, id);

CREATE TABLE tenants (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id            BIGINT NOT NULL REFERENCES organizations (id),
    email             TEXT NOT NULL,
    first_name        TEXT NOT NULL,
    last_name         TEXT NOT NULL,
    phone             TEXT NOT NULL DEFAULT '',
    status            TEXT NOT NULL,
    invite_token_hash BYTEA UNIQUE,
    password_hash     TEXT NOT NULL DEFAULT '',
    created_at        TIMESTAMPTZ NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL,
    activated_at      TIMESTAMPTZ
);
CREATE UNIQUE INDEX tenants_org_email ON tenants (org_id, email);
CREATE INDEX tenants_org ON tenants (org_id, id);

-- Fixed one-minute windows of API requests per key, shared by every node.
CREATE UNLOGGED TABLE rate_limits (
    key_id       BIGINT NOT NULL,
    window_start TIMESTAMPTZ NOT NULL,
    count        INTEGER NOT NULL,
    PRIMARY KEY (key_id, window_start)
);

-- +goose Down
DROP TABLE rate_limits;
DROP TABLE tenants;
DROP TABLE properties;
DROP TABLE messages;
DROP TABLE idempotency_keys;
DROP TABLE events;
DROP TABLE api_keys;
DROP TABLE organizations;
