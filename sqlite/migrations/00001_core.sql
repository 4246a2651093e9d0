-- +goose Up
-- Times are TEXT in one fixed-width UTC form, 2006-01-02T15:04:05.000000Z,
-- so that they sort and compare as strings. Money is INTEGER cents.
CREATE TABLE organizations (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    name             TEXT NOT NULL,
    lease_alert_days TEXT NOT NULL DEFAULT '[60]',
    created_at       TEXT NOT NULL
);

CREATE TABLE api_keys (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id       INTEGER NOT NULL REFERENCES organizations (id),
    name         TEXT NOT NULL,
    prefix       TEXT NOT NULL,
    hash         BLOB NOT NULL UNIQUE,
    scopes       TEXT NOT NULL,
    rate_limit   INTEGER NOT NULL DEFAULT 0,
    created_at   TEXT NOT NULL,
    last_used_at TEXT,
    expires_at   TEXT,
    revoked_at   TEXT
);
CREATE INDEX api_keys_org ON api_keys (org_id, id);

CREATE TABLE events (
    seq                 INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id              INTEGER NOT NULL REFERENCES organizations (id),
    type                TEXT NOT NULL,
    fired_at            TEXT NOT NULL,
    resource_type       TEXT NOT NULL,
    resource_id         INTEGER NOT NULL,
    data                TEXT NOT NULL,
    previous_attributes TEXT
);
CREATE INDEX events_org_seq ON events (org_id, seq);
CREATE INDEX events_org_type_seq ON events (org_id, type, seq);

CREATE TABLE idempotency_keys (
    org_id       INTEGER NOT NULL REFERENCES organizations (id),
    key          TEXT NOT NULL,
    request_hash BLOB NOT NULL,
    status       INTEGER NOT NULL DEFAULT 0,
    body         BLOB,
    created_at   TEXT NOT NULL,
    PRIMARY KEY (org_id, key)
);

CREATE TABLE messages (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id       INTEGER NOT NULL REFERENCES organizations (id),
    channel      TEXT NOT NULL,
    recipient    TEXT NOT NULL,
    subject      TEXT NOT NULL,
    body         TEXT NOT NULL,
    status       TEXT NOT NULL,
    broadcast_id INTEGER,
    error        TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    sent_at      TEXT
);
CREATE INDEX messages_status ON messages (status, id);
CREATE INDEX messages_org_broadcast ON messages (org_id, broadcast_id);

CREATE TABLE properties (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id      INTEGER NOT NULL REFERENCES organizations (id),
    name        TEXT NOT NULL,
    address     TEXT NOT NULL DEFAULT '',
    city        TEXT NOT NULL DEFAULT '',
    postal_code TEXT NOT NULL DEFAULT '',
    country     TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    archived_at TEXT
);
CREATE INDEX properties_org ON properties (org_id, id);

CREATE TABLE tenants (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id            INTEGER NOT NULL REFERENCES organizations (id),
    email             TEXT NOT NULL,
    first_name        TEXT NOT NULL,
    last_name         TEXT NOT NULL,
    phone             TEXT NOT NULL DEFAULT '',
    status            TEXT NOT NULL,
    invite_token_hash BLOB UNIQUE,
    password_hash     TEXT NOT NULL DEFAULT '',
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    activated_at      TEXT
);
CREATE UNIQUE INDEX tenants_org_email ON tenants (org_id, email);
CREATE INDEX tenants_org ON tenants (org_id, id);

-- +goose Down
DROP TABLE tenants;
DROP TABLE properties;
DROP TABLE messages;
DROP TABLE idempotency_keys;
DROP TABLE events;
DROP TABLE api_keys;
DROP TABLE organizations;
