-- +goose Up
-- Owner statements: one per owner, month and currency, frozen when drawn
-- up. The unique key is what makes the monthly pass idempotent on every
-- node: a second insert for the same owner-month does nothing.
CREATE TABLE owner_statements (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id      BIGINT NOT NULL REFERENCES organizations (id),
    owner_id    BIGINT NOT NULL REFERENCES owners (id),
    owner_name  TEXT NOT NULL,
    month       TEXT NOT NULL,
    currency    TEXT NOT NULL,
    lines       TEXT NOT NULL,
    nights      BIGINT NOT NULL,
    gross       BIGINT NOT NULL,
    commission  BIGINT NOT NULL,
    fees        BIGINT NOT NULL,
    expenses    BIGINT NOT NULL,
    net         BIGINT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX owner_statements_key ON owner_statements (org_id, owner_id, month, currency);
CREATE INDEX owner_statements_org ON owner_statements (org_id, id);

-- +goose Down
DROP TABLE owner_statements;
