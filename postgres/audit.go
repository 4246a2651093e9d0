package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"time"

	"porter"
	"porter/postgres/internal/db"
)

// Audit log.

func (t *tx) InsertAuditEntry(ctx context.Context, e *porter.AuditEntry) error {
	id, err := t.q.InsertAuditEntry(ctx, db.InsertAuditEntryParams{
		OrgID: t.orgID, Action: e.Action, ActorType: e.Actor.Type, ActorID: e.Actor.ID, ActorLabel: e.Actor.Label,
		ResourceType: e.ResourceType, ResourceID: e.ResourceID, BeforeJson: nullJSON(e.Before), AfterJson: nullJSON(e.After),
		Ip: e.Actor.IP, UserAgent: e.Actor.UserAgent, RequestID: e.Actor.RequestID, CreatedAt: e.CreatedAt,
	})
	if err != nil {
		return fmt.Errorf("insert audit entry: %w", err)
	}
	e.ID, e.OrgID = id, t.orgID
	return nil
}

func (t *tx) AuditLog(ctx context.Context, f porter.AuditFilter) (porter.List[*porter.AuditEntry], error) {
	exact, prefix := f.ActionPrefix()
	to := time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
	if f.To != nil {
		to = *f.To
	}
	rows, err := t.q.ListAuditLog(ctx, db.ListAuditLogParams{
		OrgID: t.orgID, ActorType: f.ActorType, ActorID: f.ActorID, ResourceType: f.ResourceType, ResourceID: f.ResourceID,
		Action: exact, ActionPrefix: prefix, FromTime: since(f.From), ToTime: to,
		BelowID: f.Below(), Lim: int32(f.Limit()), Off: int32(min(f.Offset(), math.MaxInt32)),
	})
	if err != nil {
		return porter.List[*porter.AuditEntry]{}, fmt.Errorf("list audit log: %w", err)
	}
	var out porter.List[*porter.AuditEntry]
	for _, r := range rows {
		out.Items = append(out.Items, auditEntry(r.AuditLog))
		out.Total = int(r.Total)
	}
	return out, nil
}

func (t *tx) CountAuditDeletions(ctx context.Context, actorType string, actorID int64, since time.Time) (int, error) {
	n, err := t.q.CountAuditDeletions(ctx, db.CountAuditDeletionsParams{OrgID: t.orgID, ActorType: actorType, ActorID: actorID, Since: since})
	if err != nil {
		return 0, fmt.Errorf("count deletions: %w", err)
	}
	return int(min(n, math.MaxInt32)), nil
}

func auditEntry(r db.AuditLog) *porter.AuditEntry {
	return &porter.AuditEntry{
		ID: r.ID, OrgID: r.OrgID, Action: r.Action,
		Actor:        porter.Actor{Type: r.ActorType, ID: r.ActorID, Label: r.ActorLabel, IP: r.Ip, UserAgent: r.UserAgent, RequestID: r.RequestID},
		ResourceType: r.ResourceType, ResourceID: r.ResourceID,
		Before: rawJSON(r.BeforeJson), After: rawJSON(r.AfterJson), CreatedAt: r.CreatedAt,
	}
}

func nullJSON(b json.RawMessage) *string {
	if len(b) == 0 {
		return nil
	}
	s := string(b)
	return &s
}

func rawJSON(s *string) json.RawMessage {
	if s == nil {
		return nil
	}
	return json.RawMessage(*s)
}

// Audit entries past retention are deleted oldest first in id order, a
// batch at a time, found among the oldest entries as events are
// (eventprune.go).
const qPruneAuditLog = `DELETE FROM audit_log WHERE id IN (
    SELECT id FROM (SELECT id, created_at FROM audit_log ORDER BY id LIMIT $3) oldest
    WHERE created_at < $1 LIMIT $2)`

// PruneAuditLog deletes up to limit audit entries written before before.
func (d *DB) PruneAuditLog(ctx context.Context, before time.Time, limit int) (int, error) {
	tag, err := d.pool.Exec(ctx, qPruneAuditLog, before, limit, pruneWindow*limit)
	if err != nil {
		return 0, fmt.Errorf("prune audit log: %w", err)
	}
	return int(tag.RowsAffected()), nil
}
