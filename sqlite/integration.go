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

// Integrations: connectors, the links from source records to Porter
// records, and the integration log.

// IntegrationByToken finds a receiver token in any organization.
func (d *DB) IntegrationByToken(ctx context.Context, hash []byte) (int64, int64, error) {
	r, err := db.New(d.read).GetIntegrationByToken(ctx, hash)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, porter.Errorf(porter.ENOTFOUND, "no integration receives at this address")
	} else if err != nil {
		return 0, 0, fmt.Errorf("find integration: %w", err)
	}
	return r.OrgID, r.ID, nil
}

const qPruneIntegrationLog = `DELETE FROM integration_log WHERE id IN (
    SELECT id FROM integration_log WHERE received_at < ?1 ORDER BY received_at LIMIT ?2)
RETURNING org_id, integration_id, status = 'error' AND superseded_by IS NULL`

// PruneIntegrationLog deletes up to limit log rows received before before.
func (d *DB) PruneIntegrationLog(ctx context.Context, before time.Time, limit int) (int, []porter.IntegrationKey, error) {
	var n int
	var reopened []porter.IntegrationKey
	err := d.Update(ctx, 0, func(t porter.Tx) error {
		n, reopened = 0, nil
		rows, err := t.(*tx).sql.QueryContext(ctx, qPruneIntegrationLog, ts(before), limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var ref porter.IntegrationKey
			var open bool
			if err := rows.Scan(&ref.OrgID, &ref.ID, &open); err != nil {
				return err
			}
			n++
			if open {
				reopened = append(reopened, ref)
			}
		}
		return rows.Err()
	})
	if err != nil {
		return 0, nil, fmt.Errorf("prune integration log: %w", err)
	}
	return n, reopened, nil
}

func (t *tx) InsertIntegration(ctx context.Context, in *porter.Integration) error {
	mapping, err := json.Marshal(in.Mapping)
	if err != nil {
		return err
	}
	id, err := t.q.InsertIntegration(ctx, db.InsertIntegrationParams{OrgID: t.orgID, Name: in.Name, Type: in.Type, EndpointUrl: in.EndpointURL,
		CredentialType: in.CredentialType, CredentialsSealed: in.CredentialsSealed, SecretSealed: in.SecretSealed, TokenHash: in.TokenHash,
		SyncMode: in.SyncMode, SyncIntervalSeconds: int64(in.SyncIntervalSeconds), Enabled: in.Enabled, Status: in.Status,
		Mapping: string(mapping), CreatedAt: ts(in.CreatedAt), UpdatedAt: ts(in.UpdatedAt), PollUrl: in.PollURL})
	if err != nil {
		return fmt.Errorf("insert integration: %w", err)
	}
	in.ID = id
	return nil
}

func (t *tx) Integration(ctx context.Context, id int64) (*porter.Integration, error) {
	r, err := t.q.GetIntegration(ctx, db.GetIntegrationParams{OrgID: t.orgID, ID: id})
	if err != nil {
		return nil, notFound(err, "integration", id)
	}
	return integration(r)
}

func (t *tx) UpdateIntegration(ctx context.Context, in *porter.Integration) error {
	mapping, err := json.Marshal(in.Mapping)
	if err != nil {
		return err
	}
	n, err := t.q.UpdateIntegration(ctx, db.UpdateIntegrationParams{OrgID: t.orgID, ID: in.ID, Name: in.Name, Type: in.Type,
		EndpointUrl: in.EndpointURL, CredentialType: in.CredentialType, CredentialsSealed: in.CredentialsSealed, SyncMode: in.SyncMode,
		SyncIntervalSeconds: int64(in.SyncIntervalSeconds), Enabled: in.Enabled, Status: in.Status, Mapping: string(mapping),
		OpenErrors: int64(in.OpenErrors), LastError: in.LastError, LastErrorAt: nts(in.LastErrorAt), LastSuccessAt: nts(in.LastSuccessAt),
		FirstSyncCompletedAt: nts(in.FirstSyncCompletedAt), UpdatedAt: ts(in.UpdatedAt), PollUrl: in.PollURL})
	return affected(n, err, "integration", in.ID)
}

func (t *tx) SetIntegrationSecret(ctx context.Context, id int64, secretSealed, tokenHash []byte, now time.Time) error {
	n, err := t.q.SetIntegrationSecret(ctx, db.SetIntegrationSecretParams{OrgID: t.orgID, ID: id, SecretSealed: secretSealed,
		TokenHash: tokenHash, UpdatedAt: ts(now)})
	return affected(n, err, "integration", id)
}

func (t *tx) CountIntegrationRejected(ctx context.Context, id int64) error {
	n, err := t.q.CountIntegrationRejected(ctx, db.CountIntegrationRejectedParams{OrgID: t.orgID, ID: id})
	return affected(n, err, "integration", id)
}

func (t *tx) CountIntegrationFirstSyncRecords(ctx context.Context, id int64, n int) (bool, error) {
	rows, err := t.q.CountIntegrationFirstSyncRecords(ctx, db.CountIntegrationFirstSyncRecordsParams{OrgID: t.orgID, ID: id, N: int64(n)})
	if err != nil {
		return false, fmt.Errorf("count first sync record of integration %d: %w", id, err)
	}
	return rows == 1, nil
}

func (t *tx) DeleteIntegration(ctx context.Context, id int64) error {
	if err := t.q.DeleteIntegrationLogRows(ctx, db.DeleteIntegrationLogRowsParams{OrgID: t.orgID, IntegrationID: id}); err != nil {
		return fmt.Errorf("delete integration log: %w", err)
	}
	if err := t.q.DeleteIntegrationLinks(ctx, db.DeleteIntegrationLinksParams{OrgID: t.orgID, IntegrationID: id}); err != nil {
		return fmt.Errorf("delete integration links: %w", err)
	}
	n, err := t.q.DeleteIntegration(ctx, db.DeleteIntegrationParams{OrgID: t.orgID, ID: id})
	return affected(n, err, "integration", id)
}

func (t *tx) Integrations(ctx context.Context, f porter.IntegrationFilter) (porter.List[*porter.Integration], error) {
	rows, err := t.q.ListIntegrations(ctx, db.ListIntegrationsParams{OrgID: t.orgID, Type: f.Type, Status: f.Status,
		UpdatedSince: since(f.UpdatedSince), BelowID: f.Below(), Lim: int64(f.Limit()), Off: int64(f.Offset())})
	if err != nil {
		return porter.List[*porter.Integration]{}, fmt.Errorf("list integrations: %w", err)
	}
	var out porter.List[*porter.Integration]
	for _, r := range rows {
		in, err := integration(r.Integration)
		if err != nil {
			return out, err
		}
		out.Items = append(out.Items, in)
		out.Total = int(r.Total)
	}
	return out, nil
}

// LockIntegrationSource has nothing to do: SQLite has one writer.
func (t *tx) LockIntegrationSource(context.Context, int64, string, string) error { return nil }

func (t *tx) IntegrationLink(ctx context.Context, integrationID int64, entity, sourceID string) (*porter.IntegrationLink, error) {
	r, err := t.q.GetIntegrationLink(ctx, db.GetIntegrationLinkParams{OrgID: t.orgID, IntegrationID: integrationID, Entity: entity, SourceID: sourceID})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, porter.Errorf(porter.ENOTFOUND, "no link for %s %s", entity, sourceID)
	} else if err != nil {
		return nil, fmt.Errorf("get integration link: %w", err)
	}
	return &porter.IntegrationLink{IntegrationID: r.IntegrationID, Entity: r.Entity, SourceID: r.SourceID, TargetType: r.TargetType,
		TargetID: r.TargetID, CreatedAt: pts(r.CreatedAt), UpdatedAt: pts(r.UpdatedAt)}, nil
}

func (t *tx) PutIntegrationLink(ctx context.Context, l *porter.IntegrationLink) error {
	err := t.q.UpsertIntegrationLink(ctx, db.UpsertIntegrationLinkParams{OrgID: t.orgID, IntegrationID: l.IntegrationID, Entity: l.Entity,
		SourceID: l.SourceID, TargetType: l.TargetType, TargetID: l.TargetID, CreatedAt: ts(l.CreatedAt), UpdatedAt: ts(l.UpdatedAt)})
	if err != nil {
		return fmt.Errorf("put integration link: %w", err)
	}
	return nil
}

func logTarget(e *porter.IntegrationLogEntry) (string, sql.NullInt64) {
	if e.Target == nil {
		return "", sql.NullInt64{}
	}
	return e.Target.Type, sql.NullInt64{Int64: e.Target.ID, Valid: true}
}

func (t *tx) InsertIntegrationLog(ctx context.Context, e *porter.IntegrationLogEntry) error {
	typ, id := logTarget(e)
	n, err := t.q.InsertIntegrationLog(ctx, db.InsertIntegrationLogParams{OrgID: t.orgID, IntegrationID: e.IntegrationID,
		ReceivedAt: ts(e.ReceivedAt), Entity: e.Entity, SourceID: e.SourceID, TargetType: typ, TargetID: id, Status: e.Status,
		Error: e.Error, Raw: e.Raw, Truncated: !e.Replayable, Attempts: int64(e.Attempts), UpdatedAt: ts(e.UpdatedAt),
		HttpStatus: nullInt(e.HTTPStatus), DurationMs: nullInt(e.DurationMS)})
	if err != nil {
		return fmt.Errorf("insert integration log: %w", err)
	}
	e.ID = n
	return nil
}

func (t *tx) UpdateIntegrationLog(ctx context.Context, e *porter.IntegrationLogEntry) error {
	typ, id := logTarget(e)
	n, err := t.q.UpdateIntegrationLog(ctx, db.UpdateIntegrationLogParams{OrgID: t.orgID, ID: e.ID, TargetType: typ, TargetID: id,
		Status: e.Status, Error: e.Error, Attempts: int64(e.Attempts), UpdatedAt: ts(e.UpdatedAt)})
	return affected(n, err, "integration log row", e.ID)
}

func (t *tx) SupersedeIntegrationErrors(ctx context.Context, e *porter.IntegrationLogEntry) error {
	err := t.q.SupersedeIntegrationErrors(ctx, db.SupersedeIntegrationErrorsParams{OrgID: t.orgID, IntegrationID: e.IntegrationID,
		Entity: e.Entity, SourceID: e.SourceID, ByID: sql.NullInt64{Int64: e.ID, Valid: true}})
	if err != nil {
		return fmt.Errorf("supersede integration errors: %w", err)
	}
	return nil
}

func (t *tx) OpenIntegrationErrors(ctx context.Context, integrationID, afterID int64, limit int) ([]*porter.IntegrationLogEntry, error) {
	rows, err := t.q.OpenIntegrationErrors(ctx, db.OpenIntegrationErrorsParams{OrgID: t.orgID, IntegrationID: integrationID,
		AfterID: afterID, Lim: int64(limit)})
	if err != nil {
		return nil, fmt.Errorf("open integration errors: %w", err)
	}
	out := make([]*porter.IntegrationLogEntry, len(rows))
	for i, r := range rows {
		out[i] = integrationLog(r)
	}
	return out, nil
}

func (t *tx) CountOpenIntegrationErrors(ctx context.Context, integrationID int64) (int, error) {
	n, err := t.q.CountOpenIntegrationErrors(ctx, db.CountOpenIntegrationErrorsParams{OrgID: t.orgID, IntegrationID: integrationID})
	if err != nil {
		return 0, fmt.Errorf("count integration errors: %w", err)
	}
	return int(n), nil
}

func (t *tx) IntegrationLog(ctx context.Context, f porter.IntegrationLogFilter) (porter.List[*porter.IntegrationLogEntry], error) {
	to := "9999-12-31T23:59:59.999999Z"
	if f.To != nil {
		to = ts(*f.To)
	}
	rows, err := t.q.ListIntegrationLog(ctx, db.ListIntegrationLogParams{OrgID: t.orgID, IntegrationID: f.IntegrationID, Status: f.Status,
		Entity: f.Entity, SourceID: f.SourceID, FromAt: since(f.From), ToAt: to, BelowID: f.Below(), Lim: int64(f.Limit()), Off: int64(f.Offset())})
	if err != nil {
		return porter.List[*porter.IntegrationLogEntry]{}, fmt.Errorf("list integration log: %w", err)
	}
	var out porter.List[*porter.IntegrationLogEntry]
	for _, r := range rows {
		out.Items = append(out.Items, integrationLog(r.IntegrationLog))
		out.Total = int(r.Total)
	}
	return out, nil
}

func integration(r db.Integration) (*porter.Integration, error) {
	in := &porter.Integration{ID: r.ID, Name: r.Name, Type: r.Type, EndpointURL: r.EndpointUrl, CredentialType: r.CredentialType,
		SyncMode: r.SyncMode, SyncIntervalSeconds: int(r.SyncIntervalSeconds), Enabled: r.Enabled, Status: r.Status,
		OpenErrors: int(r.OpenErrors), RejectedCount: int(r.RejectedCount), LastError: r.LastError, LastErrorAt: pnts(r.LastErrorAt),
		LastSuccessAt: pnts(r.LastSuccessAt), FirstSyncCompletedAt: pnts(r.FirstSyncCompletedAt), FirstSyncRecords: int(r.FirstSyncRecords), CreatedAt: pts(r.CreatedAt),
		UpdatedAt: pts(r.UpdatedAt), PollURL: r.PollUrl, CredentialsSealed: r.CredentialsSealed, SecretSealed: r.SecretSealed, TokenHash: r.TokenHash}
	if err := json.Unmarshal([]byte(r.Mapping), &in.Mapping); err != nil {
		return nil, fmt.Errorf("integration %d: stored mapping: %w", r.ID, err)
	}
	in.RefreshFirstSync()
	return in, nil
}

func integrationLog(r db.IntegrationLog) *porter.IntegrationLogEntry {
	e := &porter.IntegrationLogEntry{ID: r.ID, IntegrationID: r.IntegrationID, ReceivedAt: pts(r.ReceivedAt), Entity: r.Entity,
		SourceID: r.SourceID, Status: r.Status, Error: r.Error, Raw: r.Raw, Replayable: !r.Truncated, Attempts: int(r.Attempts),
		SupersededBy: pnullID(r.SupersededBy), UpdatedAt: pts(r.UpdatedAt), DurationMS: pnullID(r.DurationMs)}
	if r.HttpStatus.Valid {
		v := int(r.HttpStatus.Int64)
		e.HTTPStatus = &v
	}
	if r.TargetID.Valid {
		e.Target = &porter.IntegrationRef{Type: r.TargetType, ID: r.TargetID.Int64}
	}
	return e
}

// nullInt stores an optional number.
func nullInt[T int | int64](n *T) sql.NullInt64 {
	if n == nil {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: int64(*n), Valid: true}
}
