package porter

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Amenity is a shared facility of a property tenants book: a gym, a
// meeting room, a barbecue area. Capacity is how many bookings may
// overlap at any moment.
type Amenity struct {
	ID          int64     `json:"id"`
	PropertyID  int64     `json:"property_id"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	Capacity    int64     `json:"capacity"`
	Status      string    `json:"status"` // active | inactive (no new bookings)
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// AmenityStatuses lists every amenity status.
var AmenityStatuses = []string{"active", "inactive"}

// AmenityBooking is a tenant's booking of an amenity for a time. Its
// events are booking.created and booking.cancelled, the names stays use:
// Kind ("amenity" here, "stay" on a short-term booking) tells them apart.
type AmenityBooking struct {
	ID          int64      `json:"id"`
	Kind        string     `json:"kind"` // always "amenity"
	AmenityID   int64      `json:"amenity_id"`
	PropertyID  int64      `json:"property_id"`
	TenantID    int64      `json:"tenant_id"`
	StartsAt    time.Time  `json:"starts_at"`
	EndsAt      time.Time  `json:"ends_at"`
	Status      string     `json:"status"` // confirmed | cancelled
	Notes       string     `json:"notes"`
	CancelledAt *time.Time `json:"cancelled_at"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
}

// Booking kinds: data.booking.kind in booking.* events.
const (
	BookingKindStay    = "stay"
	BookingKindAmenity = "amenity"
)

// Amenity booking statuses.
const (
	AmenityBookingConfirmed = "confirmed"
	AmenityBookingCancelled = "cancelled"
)

// AmenityBookingStatuses lists every amenity booking status.
var AmenityBookingStatuses = []string{AmenityBookingConfirmed, AmenityBookingCancelled}

const (
	maxAmenityCapacity = 10000
	maxAmenityBooking  = 7 * 24 * time.Hour
)

// AmenityInput creates an amenity; on PATCH, nil fields are left alone
// (its property does not change).
type AmenityInput struct {
	PropertyID  *int64  `json:"property_id"`
	Name        *string `json:"name"`
	Description *string `json:"description"`
	Capacity    *int64  `json:"capacity" doc:"how many bookings may overlap; default 1"`
	Status      *string `json:"status" doc:"active (default) or inactive: no new bookings"`
}

// AmenityBookingInput books an amenity for a tenant.
type AmenityBookingInput struct {
	AmenityID *int64  `json:"amenity_id"`
	TenantID  *int64  `json:"tenant_id"`
	StartsAt  *string `json:"starts_at" doc:"ISO 8601 time"`
	EndsAt    *string `json:"ends_at" doc:"ISO 8601 time, after starts_at, at most 7 days later"`
	Notes     *string `json:"notes"`
}

// AmenityFilter narrows an amenity listing.
type AmenityFilter struct {
	ListParams
	PropertyID int64
	Status     string
}

// AmenityBookingFilter narrows an amenity booking listing.
type AmenityBookingFilter struct {
	ListParams
	AmenityID, TenantID int64
	Status              string
}

// AmenityTx stores amenities and their bookings.
type AmenityTx interface {
	InsertAmenity(ctx context.Context, a *Amenity) error
	Amenity(ctx context.Context, id int64) (*Amenity, error)
	// AmenityForUpdate is Amenity, locking the row until the transaction
	// ends where the engine has concurrent writers: bookings of one
	// amenity are checked against its capacity one at a time.
	AmenityForUpdate(ctx context.Context, id int64) (*Amenity, error)
	UpdateAmenity(ctx context.Context, a *Amenity) error
	DeleteAmenity(ctx context.Context, id int64) error
	CountAmenityBookings(ctx context.Context, amenityID int64) (int, error)
	Amenities(ctx context.Context, f AmenityFilter) (List[*Amenity], error)
	InsertAmenityBooking(ctx context.Context, b *AmenityBooking) error
	AmenityBooking(ctx context.Context, id int64) (*AmenityBooking, error)
	UpdateAmenityBooking(ctx context.Context, b *AmenityBooking) error
	// OverlappingAmenityBookings lists the confirmed bookings of an
	// amenity that share time with [from, to).
	OverlappingAmenityBookings(ctx context.Context, amenityID int64, from, to time.Time) ([]*AmenityBooking, error)
	AmenityBookings(ctx context.Context, f AmenityBookingFilter) (List[*AmenityBooking], error)
}

type amenityBookingData struct {
	Booking *AmenityBooking `json:"booking"`
}

func (a *Amenity) apply(in AmenityInput) error {
	var v Validation
	set(&a.Name, in.Name)
	set(&a.Description, in.Description)
	set(&a.Capacity, in.Capacity)
	set(&a.Status, in.Status)
	v.Required("name", a.Name)
	if len(a.Name) > maxMeterText || len(a.Description) > maxDefectText {
		v.Add("name", "must be at most %d bytes, description %d", maxMeterText, maxDefectText)
	}
	if a.Capacity < 1 || a.Capacity > maxAmenityCapacity {
		v.Add("capacity", "must be from 1 to %d", maxAmenityCapacity)
	}
	v.OneOf("status", a.Status, AmenityStatuses...)
	return v.Err()
}

// CreateAmenity adds an amenity to a property.
func (s *Service) CreateAmenity(ctx context.Context, orgID int64, in AmenityInput) (*Amenity, error) {
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*Amenity, error) {
		a := &Amenity{Capacity: 1, Status: "active", CreatedAt: now, UpdatedAt: now}
		var v Validation
		if in.PropertyID == nil || *in.PropertyID == 0 {
			v.Add("property_id", "is required")
		} else if _, err := tx.Property(ctx, *in.PropertyID); ErrorCode(err) == ENOTFOUND {
			v.Add("property_id", "%d does not exist", *in.PropertyID)
		} else if err != nil {
			return nil, err
		} else {
			a.PropertyID = *in.PropertyID
		}
		if err := a.apply(in); err != nil {
			if e, ok := err.(*Error); ok {
				for _, f := range e.Fields {
					v.Add(f.Field, "%s", f.Message)
				}
			}
		}
		if err := v.Err(); err != nil {
			return nil, err
		}
		if err := tx.InsertAmenity(ctx, a); err != nil {
			return nil, fmt.Errorf("create amenity: %w", err)
		}
		audited(tx, "amenity", a.ID, nil, a)
		return a, nil
	})
}

// UpdateAmenity edits an amenity. A lower capacity leaves the bookings
// already made; it applies to new ones.
func (s *Service) UpdateAmenity(ctx context.Context, orgID, id int64, in AmenityInput) (*Amenity, error) {
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*Amenity, error) {
		a, err := tx.AmenityForUpdate(ctx, id)
		if err != nil {
			return nil, err
		}
		before := *a
		if in.PropertyID != nil && *in.PropertyID != a.PropertyID {
			return nil, &Error{Code: EINVALID, Message: "property_id cannot be changed", Fields: []FieldError{{Field: "property_id", Message: "cannot be changed"}}}
		}
		if err := a.apply(in); err != nil {
			return nil, err
		}
		if unchanged(&before, a) {
			return a, nil
		}
		a.UpdatedAt = now
		if err := tx.UpdateAmenity(ctx, a); err != nil {
			return nil, fmt.Errorf("update amenity: %w", err)
		}
		audited(tx, "amenity", a.ID, &before, a)
		return a, nil
	})
}

// DeleteAmenity deletes an amenity that was never booked; one with
// bookings is kept for their history (set it inactive instead).
func (s *Service) DeleteAmenity(ctx context.Context, orgID, id int64) (*Amenity, error) {
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*Amenity, error) {
		a, err := tx.AmenityForUpdate(ctx, id)
		if err != nil {
			return nil, err
		}
		n, err := tx.CountAmenityBookings(ctx, id)
		if err != nil {
			return nil, err
		}
		if n > 0 {
			return nil, Errorf(ECONFLICT, "amenity %d has %d bookings: set its status to inactive instead", id, n)
		}
		if err := tx.DeleteAmenity(ctx, id); err != nil {
			return nil, fmt.Errorf("delete amenity: %w", err)
		}
		audited(tx, "amenity", a.ID, a, nil)
		return a, nil
	})
}

// Amenity returns one amenity.
func (s *Service) Amenity(ctx context.Context, orgID, id int64) (*Amenity, error) {
	return view(ctx, s, orgID, func(tx Tx) (*Amenity, error) { return tx.Amenity(ctx, id) })
}

// Amenities lists amenities, newest first.
func (s *Service) Amenities(ctx context.Context, orgID int64, f AmenityFilter) (List[*Amenity], error) {
	f.Normalize()
	return view(ctx, s, orgID, func(tx Tx) (List[*Amenity], error) { return tx.Amenities(ctx, f) })
}

// peakOverlap is the most bookings of others in use at once within
// [from, to): the count at each moment one of them, or the new booking,
// starts.
func peakOverlap(others []*AmenityBooking, from, to time.Time) int64 {
	var peak int64
	moments := []time.Time{from}
	for _, o := range others {
		if o.StartsAt.After(from) && o.StartsAt.Before(to) {
			moments = append(moments, o.StartsAt)
		}
	}
	for _, m := range moments {
		var n int64
		for _, o := range others {
			if !o.StartsAt.After(m) && o.EndsAt.After(m) {
				n++
			}
		}
		peak = max(peak, n)
	}
	return peak
}

// BookAmenity books an active amenity for a tenant → booking.created
// (data.booking.kind "amenity"). A booking that would make more bookings
// overlap than the amenity's capacity is refused: 409 naming them.
func (s *Service) BookAmenity(ctx context.Context, orgID int64, in AmenityBookingInput) (*AmenityBooking, error) {
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*AmenityBooking, error) {
		b := &AmenityBooking{Kind: BookingKindAmenity, Status: AmenityBookingConfirmed, CreatedAt: now, UpdatedAt: now}
		var v Validation
		var a *Amenity
		if in.AmenityID == nil || *in.AmenityID == 0 {
			v.Add("amenity_id", "is required")
		} else if got, err := tx.AmenityForUpdate(ctx, *in.AmenityID); ErrorCode(err) == ENOTFOUND {
			v.Add("amenity_id", "%d does not exist", *in.AmenityID)
		} else if err != nil {
			return nil, err
		} else {
			a = got
			b.AmenityID, b.PropertyID = a.ID, a.PropertyID
		}
		if in.TenantID == nil || *in.TenantID == 0 {
			v.Add("tenant_id", "is required")
		} else if _, err := tx.Tenant(ctx, *in.TenantID); ErrorCode(err) == ENOTFOUND {
			v.Add("tenant_id", "%d does not exist", *in.TenantID)
		} else if err != nil {
			return nil, err
		} else {
			b.TenantID = *in.TenantID
		}
		start, end := timeField(&v, "starts_at", in.StartsAt), timeField(&v, "ends_at", in.EndsAt)
		if in.StartsAt == nil || strings.TrimSpace(*in.StartsAt) == "" {
			v.Add("starts_at", "is required: an ISO 8601 time such as 2025-05-10T18:00:00Z")
		}
		if in.EndsAt == nil || strings.TrimSpace(*in.EndsAt) == "" {
			v.Add("ends_at", "is required: an ISO 8601 time after starts_at")
		}
		if start != nil && end != nil {
			if !end.After(*start) {
				v.Add("ends_at", "must be after starts_at")
			} else if end.Sub(*start) > maxAmenityBooking {
				v.Add("ends_at", "must be at most 7 days after starts_at")
			} else if !end.After(now) {
				v.Add("ends_at", "is in the past")
			}
			b.StartsAt, b.EndsAt = *start, *end
		}
		set(&b.Notes, in.Notes)
		if len(b.Notes) > maxDefectText {
			v.Add("notes", "must be at most %d bytes", maxDefectText)
		}
		if err := v.Err(); err != nil {
			return nil, err
		}
		if a.Status != "active" {
			return nil, Errorf(ECONFLICT, "amenity %d is %s: it takes no new bookings", a.ID, a.Status)
		}
		others, err := tx.OverlappingAmenityBookings(ctx, a.ID, b.StartsAt, b.EndsAt)
		if err != nil {
			return nil, err
		}
		if peakOverlap(others, b.StartsAt, b.EndsAt) >= a.Capacity {
			ids := make([]string, len(others))
			for i, o := range others {
				ids[i] = fmt.Sprintf("%d (%s to %s)", o.ID, o.StartsAt.Format(time.RFC3339), o.EndsAt.Format(time.RFC3339))
			}
			return nil, Errorf(ECONFLICT, "amenity %d is fully booked between %s and %s (capacity %d): overlapping bookings %s",
				a.ID, b.StartsAt.Format(time.RFC3339), b.EndsAt.Format(time.RFC3339), a.Capacity, strings.Join(ids, ", "))
		}
		if err := tx.InsertAmenityBooking(ctx, b); err != nil {
			return nil, fmt.Errorf("book amenity: %w", err)
		}
		return b, recordNested(ctx, tx, now, "booking.created", "amenity_booking", b.ID, amenityBookingData{b}, nil, nil)
	})
}

// CancelAmenityBooking cancels a confirmed booking → booking.cancelled
// (data.booking.kind "amenity").
func (s *Service) CancelAmenityBooking(ctx context.Context, orgID, id int64) (*AmenityBooking, error) {
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*AmenityBooking, error) {
		b, err := tx.AmenityBooking(ctx, id)
		if err != nil {
			return nil, err
		}
		if b.Status != AmenityBookingConfirmed {
			return nil, Errorf(ECONFLICT, "amenity booking %d is already %s", id, b.Status)
		}
		before := *b
		b.Status, b.CancelledAt, b.UpdatedAt = AmenityBookingCancelled, &now, now
		if err := tx.UpdateAmenityBooking(ctx, b); err != nil {
			return nil, fmt.Errorf("cancel amenity booking: %w", err)
		}
		return b, recordNested(ctx, tx, now, "booking.cancelled", "amenity_booking", b.ID, amenityBookingData{b}, b, &before)
	})
}

// AmenityBooking returns one amenity booking.
func (s *Service) AmenityBooking(ctx context.Context, orgID, id int64) (*AmenityBooking, error) {
	return view(ctx, s, orgID, func(tx Tx) (*AmenityBooking, error) { return tx.AmenityBooking(ctx, id) })
}

// AmenityBookings lists amenity bookings, newest first.
func (s *Service) AmenityBookings(ctx context.Context, orgID int64, f AmenityBookingFilter) (List[*AmenityBooking], error) {
	f.Normalize()
	if f.Status != "" && !slices.Contains(AmenityBookingStatuses, f.Status) {
		return List[*AmenityBooking]{}, Errorf(EINVALID, "status must be one of %s", strings.Join(AmenityBookingStatuses, ", "))
	}
	return view(ctx, s, orgID, func(tx Tx) (List[*AmenityBooking], error) { return tx.AmenityBookings(ctx, f) })
}
