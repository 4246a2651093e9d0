package porter

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Review is a guest's review of a stay, received directly or imported
// from a platform. Imports are idempotent by (source, external_id).
type Review struct {
	ID         int64  `json:"id"`
	Source     string `json:"source"`
	ExternalID string `json:"external_id"` // the platform's id; "" for none
	Rating     int    `json:"rating"`      // 1 to 5
	Title      string `json:"title"`
	Text       string `json:"text"`
	AuthorName string `json:"author_name"`
	BookingID  *int64 `json:"booking_id"` // a plain reference
	PropertyID *int64 `json:"property_id"`
	UnitID     *int64 `json:"unit_id"`
	// BelowThreshold: the rating was below the organization's
	// review_alert_threshold when the review was received.
	BelowThreshold bool      `json:"below_threshold"`
	ReceivedAt     time.Time `json:"received_at"`
	CreatedAt      time.Time `json:"created_at"`
}

// Review sources.
var ReviewSources = []string{"airbnb", "booking", "google", "direct", "other"}

// Review limits and the default alert threshold: ratings below 4 (1 to 3
// stars) alert.
const (
	MinRating                   = 1
	MaxRating                   = 5
	DefaultReviewAlertThreshold = 4
	maxReviewText               = 20000
	maxReviewField              = 500
)

// ReviewInput receives or imports a review.
type ReviewInput struct {
	Source     *string `json:"source"`
	ExternalID *string `json:"external_id"`
	Rating     *int    `json:"rating"`
	Title      *string `json:"title"`
	Text       *string `json:"text"`
	AuthorName *string `json:"author_name"`
	BookingID  *int64  `json:"booking_id"`
	PropertyID *int64  `json:"property_id"`
	UnitID     *int64  `json:"unit_id"`
	ReceivedAt *Time   `json:"received_at"` // default: now
}

// ReviewFilter narrows a review listing.
type ReviewFilter struct {
	ListParams
	PropertyID int64
	Source     string
	MinRating  int // 0: no bound
	MaxRating  int
	From, To   *time.Time // received_at in [From, To)
}

// ReviewTx stores reviews.
type ReviewTx interface {
	// InsertReview inserts r unless a review with the same source and
	// external_id exists; it reports whether it inserted.
	InsertReview(ctx context.Context, r *Review) (bool, error)
	Review(ctx context.Context, id int64) (*Review, error)
	ReviewByExternalID(ctx context.Context, source, externalID string) (*Review, error)
	Reviews(ctx context.Context, f ReviewFilter) (List[*Review], error)
}

// reviewData is review.received's data: the review, and whether its
// rating calls for attention.
type reviewData struct {
	Review         *Review `json:"review"`
	BelowThreshold bool    `json:"below_threshold"`
	AlertThreshold int     `json:"alert_threshold"`
}

// ReceiveReview records a review and announces it as review.received.
// A review whose (source, external_id) was already received is not
// recorded again: it is returned as it is, with created false.
func (s *Service) ReceiveReview(ctx context.Context, orgID int64, in ReviewInput) (*Review, bool, error) {
	return updateUpsert(ctx, s, orgID, func(tx Tx, now time.Time) (*Review, bool, error) {
		return receiveReview(ctx, tx, now, in)
	})
}

// receiveReview is ReceiveReview inside a transaction.
func receiveReview(ctx context.Context, tx Tx, now time.Time, in ReviewInput) (*Review, bool, error) {
	r := &Review{ReceivedAt: now, CreatedAt: now}
	set(&r.Source, in.Source)
	set(&r.ExternalID, in.ExternalID)
	set(&r.Title, in.Title)
	set(&r.Text, in.Text)
	set(&r.AuthorName, in.AuthorName)
	setID(&r.BookingID, in.BookingID)
	setID(&r.PropertyID, in.PropertyID)
	setID(&r.UnitID, in.UnitID)
	if in.ReceivedAt != nil && !in.ReceivedAt.IsZero() {
		r.ReceivedAt = in.ReceivedAt.UTC().Truncate(time.Second)
	}
	r.Source = strings.ToLower(strings.TrimSpace(r.Source))
	var v Validation
	if in.Source == nil {
		v.Add("source", "is required: one of %s", strings.Join(ReviewSources, ", "))
	} else {
		v.OneOf("source", r.Source, ReviewSources...)
	}
	if in.Rating == nil {
		v.Add("rating", "is required: an integer from %d to %d", MinRating, MaxRating)
	} else if r.Rating = *in.Rating; r.Rating < MinRating || r.Rating > MaxRating {
		v.Add("rating", "must be an integer from %d to %d, not %d", MinRating, MaxRating, r.Rating)
	}
	for _, f := range []struct{ name, value string }{{"external_id", r.ExternalID}, {"title", r.Title}, {"author_name", r.AuthorName}} {
		if len(f.value) > maxReviewField {
			v.Add(f.name, "must be at most %d bytes", maxReviewField)
		}
	}
	if len(r.Text) > maxReviewText {
		v.Add("text", "must be at most %d bytes", maxReviewText)
	}
	if r.BookingID != nil && *r.BookingID < 0 {
		v.Add("booking_id", "must be a positive id")
	}
	if r.ReceivedAt.After(now) {
		v.Add("received_at", "must not be in the future")
	}
	if err := r.checkPlace(ctx, tx, &v); err != nil {
		return nil, false, err
	}
	if err := v.Err(); err != nil {
		return nil, false, err
	}
	org, err := tx.Organization(ctx)
	if err != nil {
		return nil, false, err
	}
	r.BelowThreshold = r.Rating < org.ReviewAlertThreshold
	inserted, err := tx.InsertReview(ctx, r)
	if err != nil {
		return nil, false, fmt.Errorf("receive review: %w", err)
	}
	if !inserted {
		r, err = tx.ReviewByExternalID(ctx, r.Source, r.ExternalID)
		return r, false, err
	}
	return r, true, record(ctx, tx, now, "review.received", "review", r.ID,
		reviewData{Review: r, BelowThreshold: r.BelowThreshold, AlertThreshold: org.ReviewAlertThreshold}, nil)
}

// checkPlace checks the property and unit a review is about; a unit alone
// names its property.
func (r *Review) checkPlace(ctx context.Context, tx Tx, v *Validation) error {
	if r.UnitID != nil {
		u, err := tx.Unit(ctx, *r.UnitID)
		switch {
		case ErrorCode(err) == ENOTFOUND:
			v.Add("unit_id", "%d does not exist", *r.UnitID)
			return nil
		case err != nil:
			return err
		case r.PropertyID == nil:
			pid := u.PropertyID
			r.PropertyID = &pid
		case *r.PropertyID != u.PropertyID:
			v.Add("unit_id", "%d does not belong to property_id %d", *r.UnitID, *r.PropertyID)
			return nil
		}
	}
	if r.PropertyID != nil {
		if _, err := tx.Property(ctx, *r.PropertyID); ErrorCode(err) == ENOTFOUND {
			v.Add("property_id", "%d does not exist", *r.PropertyID)
		} else if err != nil {
			return err
		}
	}
	return nil
}

// Review returns one review.
func (s *Service) Review(ctx context.Context, orgID, id int64) (*Review, error) {
	return view(ctx, s, orgID, func(tx Tx) (*Review, error) { return tx.Review(ctx, id) })
}

// Reviews lists reviews, newest first.
func (s *Service) Reviews(ctx context.Context, orgID int64, f ReviewFilter) (List[*Review], error) {
	f.Normalize()
	return view(ctx, s, orgID, func(tx Tx) (List[*Review], error) { return tx.Reviews(ctx, f) })
}
