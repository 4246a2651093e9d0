-- +goose Up
-- Owner statements: one per owner, month and currency, frozen when drawn
-- up. The unique key is what makes the monthly pass idempotent on every
-- node: a second insert for the same owner-month does nothing.
CREATE TABLE owner_statements (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id      INTEGER NOT NULL REFERENCES organizations (id),
    owner_id    INTEGER NOT NULL REFERENCES owners (id),
    owner_name  TEXT NOT NULL,
    month       TEXT NOT NULL,
    currency    TEXT NOT NULL,
    lines       TEXT NOT NULL,
    nights      INTEGER NOT NULL,
    gross       INTEGER NOT NULL,
    commission  INTEGER NOT NULL,
    fees        INTEGER NOT NULL,
    expenses    INTEGER NOT NULL,
    net         INTEGER NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE UNIQUE INDEX owner_statements_key ON owner_statements (org_id, owner_id, month, currency);
CREATE INDEX owner_statements_org ON owner_statements (org_id, id);

-- +goose Down
DROP TABLE owner_statements;
