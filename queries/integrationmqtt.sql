-- BMS / IoT (issue 11): MQTT subscriptions and the work orders alarms opened.

-- name: GetIntegrationMQTT :one
SELECT * FROM integration_mqtt WHERE org_id = sqlc.arg(org_id) AND integration_id = sqlc.arg(integration_id);

-- name: ListIntegrationMQTT :many
SELECT integration_mqtt.* FROM integration_mqtt
JOIN integrations ON integrations.org_id = integration_mqtt.org_id AND integrations.id = integration_mqtt.integration_id
WHERE integration_mqtt.org_id = sqlc.arg(org_id) AND (CAST(sqlc.arg(enabled_only) AS BOOLEAN) = FALSE OR integrations.enabled)
ORDER BY integration_mqtt.integration_id;

-- name: PutIntegrationMQTT :exec
-- Replaces the subscription, keeping the lease of the node holding it:
-- that node sees the change on its next poll and reconnects.
INSERT INTO integration_mqtt (integration_id, org_id, broker_url, username, password_sealed, topics, updated_at)
VALUES (sqlc.arg(integration_id), sqlc.arg(org_id), sqlc.arg(broker_url), sqlc.arg(username), sqlc.narg(password_sealed),
    sqlc.arg(topics), sqlc.arg(updated_at))
ON CONFLICT (integration_id) DO UPDATE SET broker_url = excluded.broker_url, username = excluded.username,
    password_sealed = excluded.password_sealed, topics = excluded.topics, updated_at = excluded.updated_at;

-- name: DeleteIntegrationMQTT :exec
DELETE FROM integration_mqtt WHERE org_id = sqlc.arg(org_id) AND integration_id = sqlc.arg(integration_id);

-- name: ClaimIntegrationMQTT :one
-- Takes or renews the lease: a node whose claim returns no row leaves
-- the subscription to the node holding it.
UPDATE integration_mqtt SET lease_holder = sqlc.arg(node), lease_until = sqlc.arg(until)
WHERE org_id = sqlc.arg(org_id) AND integration_id = sqlc.arg(integration_id)
  AND (lease_holder = sqlc.arg(node) OR lease_holder = '' OR lease_until IS NULL OR lease_until < sqlc.arg(now))
RETURNING integration_id;

-- name: ReleaseIntegrationMQTT :exec
UPDATE integration_mqtt SET lease_holder = '', lease_until = NULL
WHERE org_id = sqlc.arg(org_id) AND integration_id = sqlc.arg(integration_id) AND lease_holder = sqlc.arg(node);

-- name: GetOpenAlarmWorkOrder :one
SELECT alarm_work_orders.* FROM alarm_work_orders
JOIN work_orders ON work_orders.org_id = alarm_work_orders.org_id AND work_orders.id = alarm_work_orders.work_order_id
WHERE alarm_work_orders.org_id = sqlc.arg(org_id) AND alarm_work_orders.asset_id = sqlc.arg(asset_id)
  AND alarm_work_orders.kind = sqlc.arg(kind)
  AND work_orders.status NOT IN ('completed', 'verified', 'closed', 'cancelled')
ORDER BY alarm_work_orders.work_order_id DESC
LIMIT 1;

-- name: InsertAlarmWorkOrder :exec
INSERT INTO alarm_work_orders (org_id, work_order_id, asset_id, kind, integration_id, alarms, first_alarm_at, last_alarm_at)
VALUES (sqlc.arg(org_id), sqlc.arg(work_order_id), sqlc.arg(asset_id), sqlc.arg(kind), sqlc.arg(integration_id), sqlc.arg(alarms),
    sqlc.arg(first_alarm_at), sqlc.arg(last_alarm_at));

-- name: CountAlarm :exec
UPDATE alarm_work_orders SET alarms = alarms + 1, last_alarm_at = sqlc.arg(last_alarm_at)
WHERE org_id = sqlc.arg(org_id) AND work_order_id = sqlc.arg(work_order_id);
