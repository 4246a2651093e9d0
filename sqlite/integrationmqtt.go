package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"porter"
	"porter/sqlite/internal/db"
)

// BMS / IoT: MQTT subscriptions and the work orders alarms opened.

// IntegrationForUpdate needs no lock: SQLite runs one writer at a time.
func (t *tx) IntegrationForUpdate(ctx context.Context, id int64) (*porter.Integration, error) {
	return t.Integration(ctx, id)
}

func (t *tx) IntegrationMQTT(ctx context.Context, integrationID int64) (*porter.IntegrationMQTT, error) {
	r, err := t.q.GetIntegrationMQTT(ctx, db.GetIntegrationMQTTParams{OrgID: t.orgID, IntegrationID: integrationID})
	if err != nil {
		return nil, notFound(err, "integration mqtt subscription", integrationID)
	}
	return integrationMQTT(r)
}

func (t *tx) IntegrationMQTTs(ctx context.Context, enabledOnly bool) ([]*porter.IntegrationMQTT, error) {
	rows, err := t.q.ListIntegrationMQTT(ctx, db.ListIntegrationMQTTParams{OrgID: t.orgID, EnabledOnly: enabledOnly})
	if err != nil {
		return nil, fmt.Errorf("list integration mqtt: %w", err)
	}
	out := make([]*porter.IntegrationMQTT, len(rows))
	for i, r := range rows {
		if out[i], err = integrationMQTT(r); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func integrationMQTT(r db.IntegrationMqtt) (*porter.IntegrationMQTT, error) {
	m := &porter.IntegrationMQTT{IntegrationID: r.IntegrationID, BrokerURL: r.BrokerUrl, Username: r.Username,
		PasswordSealed: r.PasswordSealed, HasPassword: len(r.PasswordSealed) > 0, HeldBy: r.LeaseHolder,
		HeldUntil: pnts(r.LeaseUntil), UpdatedAt: pts(r.UpdatedAt), ClientID: fmt.Sprintf("porter-%d-%d", r.OrgID, r.IntegrationID)}
	if err := json.Unmarshal([]byte(r.Topics), &m.Topics); err != nil {
		return nil, fmt.Errorf("integration %d mqtt topics: %w", r.IntegrationID, err)
	}
	return m, nil
}

func (t *tx) PutIntegrationMQTT(ctx context.Context, m *porter.IntegrationMQTT) error {
	topics, err := json.Marshal(m.Topics)
	if err != nil {
		return err
	}
	return t.q.PutIntegrationMQTT(ctx, db.PutIntegrationMQTTParams{IntegrationID: m.IntegrationID, OrgID: t.orgID, BrokerUrl: m.BrokerURL,
		Username: m.Username, PasswordSealed: m.PasswordSealed, Topics: string(topics), UpdatedAt: ts(m.UpdatedAt)})
}

func (t *tx) DeleteIntegrationMQTT(ctx context.Context, integrationID int64) error {
	return t.q.DeleteIntegrationMQTT(ctx, db.DeleteIntegrationMQTTParams{OrgID: t.orgID, IntegrationID: integrationID})
}

func (t *tx) ClaimIntegrationMQTT(ctx context.Context, integrationID int64, node string, now, until time.Time) (bool, error) {
	_, err := t.q.ClaimIntegrationMQTT(ctx, db.ClaimIntegrationMQTTParams{OrgID: t.orgID, IntegrationID: integrationID, Node: node,
		Now: nts(&now), Until: nts(&until)})
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	} else if err != nil {
		return false, fmt.Errorf("claim integration mqtt: %w", err)
	}
	return true, nil
}

func (t *tx) ReleaseIntegrationMQTT(ctx context.Context, integrationID int64, node string) error {
	return t.q.ReleaseIntegrationMQTT(ctx, db.ReleaseIntegrationMQTTParams{OrgID: t.orgID, IntegrationID: integrationID, Node: node})
}

func (t *tx) OpenAlarmWorkOrder(ctx context.Context, assetID int64, kind string) (*porter.AlarmWorkOrder, error) {
	r, err := t.q.GetOpenAlarmWorkOrder(ctx, db.GetOpenAlarmWorkOrderParams{OrgID: t.orgID, AssetID: assetID, Kind: kind})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, porter.Errorf(porter.ENOTFOUND, "no open alarm work order")
	} else if err != nil {
		return nil, fmt.Errorf("open alarm work order: %w", err)
	}
	return &porter.AlarmWorkOrder{WorkOrderID: r.WorkOrderID, AssetID: r.AssetID, Kind: r.Kind, IntegrationID: r.IntegrationID,
		Alarms: int(r.Alarms), FirstAlarmAt: pts(r.FirstAlarmAt), LastAlarmAt: pts(r.LastAlarmAt)}, nil
}

func (t *tx) InsertAlarmWorkOrder(ctx context.Context, a *porter.AlarmWorkOrder) error {
	return t.q.InsertAlarmWorkOrder(ctx, db.InsertAlarmWorkOrderParams{OrgID: t.orgID, WorkOrderID: a.WorkOrderID, AssetID: a.AssetID,
		Kind: a.Kind, IntegrationID: a.IntegrationID, Alarms: int64(a.Alarms), FirstAlarmAt: ts(a.FirstAlarmAt), LastAlarmAt: ts(a.LastAlarmAt)})
}

func (t *tx) CountAlarm(ctx context.Context, workOrderID int64, at time.Time) error {
	return t.q.CountAlarm(ctx, db.CountAlarmParams{OrgID: t.orgID, WorkOrderID: workOrderID, LastAlarmAt: ts(at)})
}
