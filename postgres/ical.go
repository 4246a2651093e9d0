package postgres

import (
	"context"
	"errors"
	"fmt"
	"github.com/jackc/pgx/v5"
	"time"

	"porter"
	"porter/postgres/internal/db"
)

// Short-term rentals: iCal export feeds, import sources and links.

// ICalExportByToken finds a feed token in any organization.
func (d *DB) ICalExportByToken(ctx context.Context, hash []byte) (int64, int64, error) {
	r, err := db.New(d.pool).GetICalExportByToken(ctx, hash)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, 0, porter.Errorf(porter.ENOTFOUND, "no iCal feed at this address")
	} else if err != nil {
		return 0, 0, fmt.Errorf("find ical feed: %w", err)
	}
	return r.OrgID, r.UnitID, nil
}

func (t *tx) ICalExport(ctx context.Context, unitID int64) (*porter.ICalExport, error) {
	r, err := t.q.GetICalExport(ctx, db.GetICalExportParams{OrgID: t.orgID, UnitID: unitID})
	if err != nil {
		return nil, notFound(err, "ical_export", unitID)
	}
	return &porter.ICalExport{UnitID: r.UnitID, TokenHash: r.TokenHash, TokenSealed: r.TokenSealed, CreatedAt: r.CreatedAt}, nil
}

func (t *tx) PutICalExport(ctx context.Context, e *porter.ICalExport) error {
	err := t.q.UpsertICalExport(ctx, db.UpsertICalExportParams{OrgID: t.orgID, UnitID: e.UnitID, TokenHash: e.TokenHash,
		TokenSealed: e.TokenSealed, CreatedAt: e.CreatedAt})
	if err != nil {
		return fmt.Errorf("put ical export: %w", err)
	}
	return nil
}

func (t *tx) InsertICalSource(ctx context.Context, s *porter.ICalSource) error {
	id, err := t.q.InsertICalSource(ctx, db.InsertICalSourceParams{OrgID: t.orgID, PropertyID: s.PropertyID, UnitID: s.UnitID,
		Name: s.Name, Url: s.URL, Currency: s.Currency, Status: s.Status, LastError: s.LastError,
		CreatedAt: s.CreatedAt, UpdatedAt: s.UpdatedAt})
	if err != nil {
		return fmt.Errorf("insert ical source: %w", err)
	}
	s.ID = id
	return nil
}

func (t *tx) ICalSource(ctx context.Context, id int64) (*porter.ICalSource, error) {
	r, err := t.q.GetICalSource(ctx, db.GetICalSourceParams{OrgID: t.orgID, ID: id})
	if err != nil {
		return nil, notFound(err, "ical_source", id)
	}
	return icalSource(r), nil
}

func (t *tx) UpdateICalSource(ctx context.Context, s *porter.ICalSource) error {
	n, err := t.q.UpdateICalSource(ctx, db.UpdateICalSourceParams{OrgID: t.orgID, ID: s.ID, Name: s.Name, Url: s.URL,
		Currency: s.Currency, Status: s.Status, LastError: s.LastError, LastAttemptAt: s.LastAttemptAt,
		LastSyncedAt: s.LastSyncedAt, UpdatedAt: s.UpdatedAt})
	return affected(n, err, "ical_source", s.ID)
}

func (t *tx) DeleteICalSource(ctx context.Context, id int64) error {
	if err := t.q.DeleteICalLinks(ctx, db.DeleteICalLinksParams{OrgID: t.orgID, SourceID: id}); err != nil {
		return fmt.Errorf("delete ical links: %w", err)
	}
	n, err := t.q.DeleteICalSource(ctx, db.DeleteICalSourceParams{OrgID: t.orgID, ID: id})
	return affected(n, err, "ical_source", id)
}

func (t *tx) ICalSources(ctx context.Context, f porter.ICalSourceFilter) (porter.List[*porter.ICalSource], error) {
	rows, err := t.q.ListICalSources(ctx, db.ListICalSourcesParams{OrgID: t.orgID, PropertyID: f.PropertyID, UnitID: f.UnitID,
		Status: f.Status, UpdatedSince: since(f.UpdatedSince), BelowID: f.Below(), Lim: int32(f.Limit()), Off: int32(f.Offset())})
	if err != nil {
		return porter.List[*porter.ICalSource]{}, fmt.Errorf("list ical sources: %w", err)
	}
	var out porter.List[*porter.ICalSource]
	for _, r := range rows {
		out.Items = append(out.Items, icalSource(r.IcalSource))
		out.Total = int(r.Total)
	}
	return out, nil
}

func (t *tx) DueICalSources(ctx context.Context, before time.Time) ([]int64, error) {
	ids, err := t.q.DueICalSources(ctx, db.DueICalSourcesParams{OrgID: t.orgID, Before: &before})
	if err != nil {
		return nil, fmt.Errorf("due ical sources: %w", err)
	}
	return ids, nil
}

func (t *tx) ClaimICalSource(ctx context.Context, id int64, before, now, until time.Time) (bool, error) {
	_, err := t.q.ClaimICalSource(ctx, db.ClaimICalSourceParams{OrgID: t.orgID, ID: id, Before: &before, Now: &now, Until: &until})
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	} else if err != nil {
		return false, fmt.Errorf("claim ical source: %w", err)
	}
	return true, nil
}

func (t *tx) ReleaseICalSource(ctx context.Context, id int64) error {
	return t.q.ReleaseICalSource(ctx, db.ReleaseICalSourceParams{OrgID: t.orgID, ID: id})
}

func (t *tx) ICalLinks(ctx context.Context, sourceID int64) ([]*porter.ICalLink, error) {
	rows, err := t.q.ListICalLinks(ctx, db.ListICalLinksParams{OrgID: t.orgID, SourceID: sourceID})
	if err != nil {
		return nil, fmt.Errorf("list ical links: %w", err)
	}
	out := make([]*porter.ICalLink, len(rows))
	for i, r := range rows {
		out[i] = &porter.ICalLink{SourceID: r.SourceID, UID: r.Uid, BookingID: r.BookingID, ConflictDates: r.ConflictDates}
	}
	return out, nil
}

func (t *tx) PutICalLink(ctx context.Context, l *porter.ICalLink) error {
	err := t.q.UpsertICalLink(ctx, db.UpsertICalLinkParams{OrgID: t.orgID, SourceID: l.SourceID, Uid: l.UID, BookingID: l.BookingID,
		ConflictDates: l.ConflictDates})
	if err != nil {
		return fmt.Errorf("put ical link: %w", err)
	}
	return nil
}

func (t *tx) DeleteICalLink(ctx context.Context, sourceID int64, uid string) error {
	if err := t.q.DeleteICalLink(ctx, db.DeleteICalLinkParams{OrgID: t.orgID, SourceID: sourceID, Uid: uid}); err != nil {
		return fmt.Errorf("delete ical link: %w", err)
	}
	return nil
}

func icalSource(r db.IcalSource) *porter.ICalSource {
	return &porter.ICalSource{ID: r.ID, PropertyID: r.PropertyID, UnitID: r.UnitID, Name: r.Name, URL: r.Url, Currency: r.Currency,
		Status: r.Status, LastError: r.LastError, LastAttemptAt: r.LastAttemptAt, LastSyncedAt: r.LastSyncedAt,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
}
