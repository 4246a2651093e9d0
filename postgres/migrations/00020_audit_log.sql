-- +goose Up
-- The audit log: who changed what, written in the same transaction as the
-- change. Kept three years by default (PORTER_AUDIT_RETENTION).
CREATE TABLE audit_log (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id        BIGINT NOT NULL REFERENCES organizations (id),
    action        TEXT NOT NULL,
    actor_type    TEXT NOT NULL,
    actor_id      BIGINT NOT NULL DEFAULT 0,
    actor_label   TEXT NOT NULL DEFAULT '',
    resource_type TEXT NOT NULL,
    resource_id   BIGINT NOT NULL,
    before_json   TEXT,
    after_json    TEXT,
    ip            TEXT NOT NULL DEFAULT '',
    user_agent    TEXT NOT NULL DEFAULT '',
    request_id    TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX audit_log_org ON audit_log (org_id, id);
CREATE INDEX audit_log_actor ON audit_log (org_id, actor_type, actor_id, id);
CREATE INDEX audit_log_resource ON audit_log (org_id, resource_type, resource_id, id);
CREATE INDEX audit_log_created ON audit_log (created_at);
-- Mass-deletion detection counts one actor's recent deletions on each
-- deletion: only deletions are indexed for it.
CREATE INDEX audit_log_deletions ON audit_log (org_id, actor_type, actor_id, created_at)
    WHERE action LIKE '%.delete' OR action LIKE '%.unsubscribe';

-- +goose Down
DROP TABLE audit_log;
