package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"porter"
	"porter/postgres/internal/db"
)

func (t *tx) InsertReview(ctx context.Context, r *porter.Review) (bool, error) {
	id, err := t.q.InsertReview(ctx, db.InsertReviewParams{
		OrgID: t.orgID, Source: r.Source, ExternalID: externalID(r.ExternalID), Rating: int32(r.Rating), Title: r.Title,
		Body: r.Text, AuthorName: r.AuthorName, BookingID: r.BookingID, PropertyID: r.PropertyID,
		UnitID: r.UnitID, BelowThreshold: r.BelowThreshold, ReceivedAt: r.ReceivedAt, CreatedAt: r.CreatedAt,
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil // already received
	}
	if err != nil {
		return false, fmt.Errorf("insert review: %w", err)
	}
	r.ID = id
	return true, nil
}

func (t *tx) Review(ctx context.Context, id int64) (*porter.Review, error) {
	r, err := t.q.GetReview(ctx, db.GetReviewParams{OrgID: t.orgID, ID: id})
	if err != nil {
		return nil, notFound(err, "review", id)
	}
	return review(r), nil
}

func (t *tx) ReviewByExternalID(ctx context.Context, source, extID string) (*porter.Review, error) {
	r, err := t.q.GetReviewByExternalID(ctx, db.GetReviewByExternalIDParams{OrgID: t.orgID, Source: source, ExternalID: externalID(extID)})
	if err != nil {
		return nil, fmt.Errorf("get review %s %q: %w", source, extID, err)
	}
	return review(r), nil
}

func (t *tx) Reviews(ctx context.Context, f porter.ReviewFilter) (porter.List[*porter.Review], error) {
	p := db.ListReviewsParams{
		OrgID: t.orgID, PropertyID: f.PropertyID, Source: f.Source, MinRating: int32(f.MinRating), MaxRating: int32(f.MaxRating),
		ReceivedFrom: since(f.From), ReceivedTo: time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC), UpdatedSince: since(f.UpdatedSince),
		Lim: int32(f.Limit()), BelowID: f.Below(), Off: int32(f.Offset()),
	}
	if f.To != nil {
		p.ReceivedTo = *f.To
	}
	if p.MaxRating == 0 {
		p.MaxRating = porter.MaxRating
	}
	rows, err := t.q.ListReviews(ctx, p)
	if err != nil {
		return porter.List[*porter.Review]{}, fmt.Errorf("list reviews: %w", err)
	}
	var out porter.List[*porter.Review]
	for _, r := range rows {
		out.Items = append(out.Items, review(r.Review))
		out.Total = int(r.Total)
	}
	return out, nil
}

// externalID is NULL for a review without one: NULLs never collide in the
// unique index, so only real platform ids are deduplicated.
func externalID(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func review(r db.Review) *porter.Review {
	rv := &porter.Review{
		ID: r.ID, Source: r.Source, Rating: int(r.Rating), Title: r.Title, Text: r.Body,
		AuthorName: r.AuthorName, BookingID: r.BookingID, PropertyID: r.PropertyID, UnitID: r.UnitID,
		BelowThreshold: r.BelowThreshold, ReceivedAt: r.ReceivedAt, CreatedAt: r.CreatedAt,
	}
	if r.ExternalID != nil {
		rv.ExternalID = *r.ExternalID
	}
	return rv
}
