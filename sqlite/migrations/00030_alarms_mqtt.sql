-- +goose Up
-- BMS / IoT (issue 11). An integration's MQTT subscription: the broker,
-- its sealed password, the topic filters (a JSON array) and the lease of
-- the one node that holds the connection.
CREATE TABLE integration_mqtt (
    integration_id  INTEGER PRIMARY KEY REFERENCES integrations (id) ON DELETE CASCADE,
    org_id          INTEGER NOT NULL REFERENCES organizations (id),
    broker_url      TEXT NOT NULL,
    username        TEXT NOT NULL DEFAULT '',
    password_sealed BLOB,
    topics          TEXT NOT NULL,
    lease_holder    TEXT NOT NULL DEFAULT '',
    lease_until     TEXT,
    updated_at      TEXT NOT NULL
);
CREATE INDEX integration_mqtt_org ON integration_mqtt (org_id, integration_id);

-- The work orders alarms opened: while the newest for an (asset, kind) is
-- still open, the same alarm again is counted on it instead of opening
-- another.
CREATE TABLE alarm_work_orders (
    org_id         INTEGER NOT NULL REFERENCES organizations (id),
    work_order_id  INTEGER NOT NULL,
    asset_id       INTEGER NOT NULL,
    kind           TEXT NOT NULL,
    integration_id INTEGER NOT NULL,
    alarms         INTEGER NOT NULL DEFAULT 1,
    first_alarm_at TEXT NOT NULL,
    last_alarm_at  TEXT NOT NULL,
    PRIMARY KEY (org_id, work_order_id)
);
CREATE INDEX alarm_work_orders_asset ON alarm_work_orders (org_id, asset_id, kind, work_order_id);

-- +goose Down
DROP TABLE alarm_work_orders;
DROP TABLE integration_mqtt;
