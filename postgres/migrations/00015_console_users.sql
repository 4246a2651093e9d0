-- +goose Up
-- The console's people: an organization's users who sign in with email
-- and password, and their server-side sessions.
CREATE TABLE users (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id        BIGINT NOT NULL REFERENCES organizations (id),
    email         TEXT NOT NULL,           -- lower case
    role          TEXT NOT NULL,           -- admin | manager | viewer
    password_hash TEXT NOT NULL,           -- argon2id, PHC string
    staff_id      BIGINT REFERENCES staff (id),
    created_at    TIMESTAMPTZ NOT NULL,
    UNIQUE (org_id, email)
);
CREATE INDEX users_email ON users (email);
-- Only the SHA-256 of a session's token is kept: a copy of the database
-- signs no one in.
CREATE TABLE sessions (
    token_hash   BYTEA PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- +goose Down
DROP TABLE sessions;
DROP TABLE users;
