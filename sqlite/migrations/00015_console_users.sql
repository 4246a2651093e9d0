-- +goose Up
-- The console's people: an organization's users who sign in with email
-- and password, and their server-side sessions.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id        INTEGER NOT NULL REFERENCES organizations (id),
    email         TEXT NOT NULL,           -- lower case
    role          TEXT NOT NULL,           -- admin | manager | viewer
    password_hash TEXT NOT NULL,           -- argon2id, PHC string
    staff_id      INTEGER REFERENCES staff (id),
    created_at    TEXT NOT NULL,
    UNIQUE (org_id, email)
);
CREATE INDEX users_email ON users (email);
-- Only the SHA-256 of a session's token is kept: a copy of the database
-- signs no one in.
CREATE TABLE sessions (
    token_hash   BLOB PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- +goose Down
DROP TABLE sessions;
DROP TABLE users;
