package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"porter"
	"porter/sqlite/internal/db"
)

// Resident events (seed 002): visitor passes, amenities and their
// bookings, acknowledgements of broadcasts.

func (t *tx) InsertVisitorPass(ctx context.Context, p *porter.VisitorPass) error {
	id, err := t.q.InsertVisitorPass(ctx, db.InsertVisitorPassParams{
		OrgID: t.orgID, PropertyID: p.PropertyID, UnitID: p.UnitID, TenantID: nullID(p.TenantID), VisitorName: p.VisitorName,
		VisitorPhone: p.VisitorPhone, ExpectedFrom: ts(p.ExpectedFrom), ExpectedUntil: ts(p.ExpectedUntil), Status: p.Status,
		Code: p.Code, Notes: p.Notes, CheckedInAt: nts(p.CheckedInAt), CheckedOutAt: nts(p.CheckedOutAt), CancelledAt: nts(p.CancelledAt),
		CreatedAt: ts(p.CreatedAt), UpdatedAt: ts(p.UpdatedAt),
	})
	if err != nil {
		return fmt.Errorf("insert visitor pass: %w", err)
	}
	p.ID = id
	return nil
}

func (t *tx) VisitorPass(ctx context.Context, id int64) (*porter.VisitorPass, error) {
	r, err := t.q.GetVisitorPass(ctx, db.GetVisitorPassParams{OrgID: t.orgID, ID: id})
	if err != nil {
		return nil, notFound(err, "visitor pass", id)
	}
	return visitorPass(r), nil
}

func (t *tx) UpdateVisitorPass(ctx context.Context, p *porter.VisitorPass) error {
	n, err := t.q.UpdateVisitorPass(ctx, db.UpdateVisitorPassParams{
		OrgID: t.orgID, ID: p.ID, TenantID: nullID(p.TenantID), VisitorName: p.VisitorName, VisitorPhone: p.VisitorPhone,
		ExpectedFrom: ts(p.ExpectedFrom), ExpectedUntil: ts(p.ExpectedUntil), Status: p.Status, Notes: p.Notes,
		CheckedInAt: nts(p.CheckedInAt), CheckedOutAt: nts(p.CheckedOutAt), CancelledAt: nts(p.CancelledAt), UpdatedAt: ts(p.UpdatedAt),
	})
	return affected(n, err, "visitor pass", p.ID)
}

func (t *tx) VisitorPasses(ctx context.Context, f porter.VisitorPassFilter) (porter.List[*porter.VisitorPass], error) {
	from, to := f.VisitWindow()
	rows, err := t.q.ListVisitorPasses(ctx, db.ListVisitorPassesParams{
		OrgID: t.orgID, PropertyID: f.PropertyID, UnitID: f.UnitID, TenantID: f.TenantID, Status: f.Status,
		VisitFrom: ts(from), VisitTo: ts(to),
		UpdatedSince: since(f.UpdatedSince), Lim: int64(f.Limit()), BelowID: f.Below(), Off: int64(f.Offset()),
	})
	if err != nil {
		return porter.List[*porter.VisitorPass]{}, fmt.Errorf("list visitor passes: %w", err)
	}
	var out porter.List[*porter.VisitorPass]
	for _, r := range rows {
		out.Items = append(out.Items, visitorPass(r.VisitorPass))
		out.Total = int(r.Total)
	}
	return out, nil
}

func visitorPass(r db.VisitorPass) *porter.VisitorPass {
	return &porter.VisitorPass{ID: r.ID, PropertyID: r.PropertyID, UnitID: r.UnitID, TenantID: pnullID(r.TenantID), VisitorName: r.VisitorName,
		VisitorPhone: r.VisitorPhone, ExpectedFrom: pts(r.ExpectedFrom), ExpectedUntil: pts(r.ExpectedUntil), Status: r.Status,
		Code: r.Code, Notes: r.Notes, CheckedInAt: pnts(r.CheckedInAt), CheckedOutAt: pnts(r.CheckedOutAt), CancelledAt: pnts(r.CancelledAt),
		CreatedAt: pts(r.CreatedAt), UpdatedAt: pts(r.UpdatedAt)}
}

func (t *tx) InsertAmenity(ctx context.Context, a *porter.Amenity) error {
	id, err := t.q.InsertAmenity(ctx, db.InsertAmenityParams{
		OrgID: t.orgID, PropertyID: a.PropertyID, Name: a.Name, Description: a.Description, Capacity: a.Capacity, Status: a.Status,
		CreatedAt: ts(a.CreatedAt), UpdatedAt: ts(a.UpdatedAt),
	})
	if err != nil {
		return fmt.Errorf("insert amenity: %w", err)
	}
	a.ID = id
	return nil
}

func (t *tx) Amenity(ctx context.Context, id int64) (*porter.Amenity, error) {
	r, err := t.q.GetAmenity(ctx, db.GetAmenityParams{OrgID: t.orgID, ID: id})
	if err != nil {
		return nil, notFound(err, "amenity", id)
	}
	return amenity(r), nil
}

// AmenityForUpdate needs no lock: SQLite has one writer at a time.
func (t *tx) AmenityForUpdate(ctx context.Context, id int64) (*porter.Amenity, error) {
	return t.Amenity(ctx, id)
}

func (t *tx) UpdateAmenity(ctx context.Context, a *porter.Amenity) error {
	n, err := t.q.UpdateAmenity(ctx, db.UpdateAmenityParams{
		OrgID: t.orgID, ID: a.ID, Name: a.Name, Description: a.Description, Capacity: a.Capacity, Status: a.Status, UpdatedAt: ts(a.UpdatedAt),
	})
	return affected(n, err, "amenity", a.ID)
}

func (t *tx) DeleteAmenity(ctx context.Context, id int64) error {
	n, err := t.q.DeleteAmenity(ctx, db.DeleteAmenityParams{OrgID: t.orgID, ID: id})
	return affected(n, err, "amenity", id)
}

func (t *tx) CountAmenityBookings(ctx context.Context, amenityID int64) (int, error) {
	n, err := t.q.CountAmenityBookings(ctx, db.CountAmenityBookingsParams{OrgID: t.orgID, AmenityID: amenityID})
	if err != nil {
		return 0, fmt.Errorf("count amenity bookings: %w", err)
	}
	return int(n), nil
}

func (t *tx) Amenities(ctx context.Context, f porter.AmenityFilter) (porter.List[*porter.Amenity], error) {
	rows, err := t.q.ListAmenities(ctx, db.ListAmenitiesParams{
		OrgID: t.orgID, PropertyID: f.PropertyID, Status: f.Status,
		UpdatedSince: since(f.UpdatedSince), Lim: int64(f.Limit()), BelowID: f.Below(), Off: int64(f.Offset()),
	})
	if err != nil {
		return porter.List[*porter.Amenity]{}, fmt.Errorf("list amenities: %w", err)
	}
	var out porter.List[*porter.Amenity]
	for _, r := range rows {
		out.Items = append(out.Items, amenity(r.Amenity))
		out.Total = int(r.Total)
	}
	return out, nil
}

func amenity(r db.Amenity) *porter.Amenity {
	return &porter.Amenity{ID: r.ID, PropertyID: r.PropertyID, Name: r.Name, Description: r.Description, Capacity: r.Capacity,
		Status: r.Status, CreatedAt: pts(r.CreatedAt), UpdatedAt: pts(r.UpdatedAt)}
}

func (t *tx) InsertAmenityBooking(ctx context.Context, b *porter.AmenityBooking) error {
	id, err := t.q.InsertAmenityBooking(ctx, db.InsertAmenityBookingParams{
		OrgID: t.orgID, AmenityID: b.AmenityID, PropertyID: b.PropertyID, TenantID: b.TenantID, StartsAt: ts(b.StartsAt),
		EndsAt: ts(b.EndsAt), Status: b.Status, Notes: b.Notes, CancelledAt: nts(b.CancelledAt),
		CreatedAt: ts(b.CreatedAt), UpdatedAt: ts(b.UpdatedAt),
	})
	if err != nil {
		return fmt.Errorf("insert amenity booking: %w", err)
	}
	b.ID = id
	return nil
}

func (t *tx) AmenityBooking(ctx context.Context, id int64) (*porter.AmenityBooking, error) {
	r, err := t.q.GetAmenityBooking(ctx, db.GetAmenityBookingParams{OrgID: t.orgID, ID: id})
	if err != nil {
		return nil, notFound(err, "amenity booking", id)
	}
	return amenityBooking(r), nil
}

func (t *tx) UpdateAmenityBooking(ctx context.Context, b *porter.AmenityBooking) error {
	n, err := t.q.UpdateAmenityBooking(ctx, db.UpdateAmenityBookingParams{
		OrgID: t.orgID, ID: b.ID, Status: b.Status, Notes: b.Notes, CancelledAt: nts(b.CancelledAt), UpdatedAt: ts(b.UpdatedAt),
	})
	return affected(n, err, "amenity booking", b.ID)
}

func (t *tx) OverlappingAmenityBookings(ctx context.Context, amenityID int64, from, to time.Time) ([]*porter.AmenityBooking, error) {
	rows, err := t.q.OverlappingAmenityBookings(ctx, db.OverlappingAmenityBookingsParams{OrgID: t.orgID, AmenityID: amenityID,
		StartsAt: ts(from), EndsAt: ts(to)})
	if err != nil {
		return nil, fmt.Errorf("overlapping amenity bookings: %w", err)
	}
	out := make([]*porter.AmenityBooking, len(rows))
	for i, r := range rows {
		out[i] = amenityBooking(r)
	}
	return out, nil
}

func (t *tx) AmenityBookings(ctx context.Context, f porter.AmenityBookingFilter) (porter.List[*porter.AmenityBooking], error) {
	rows, err := t.q.ListAmenityBookings(ctx, db.ListAmenityBookingsParams{
		OrgID: t.orgID, AmenityID: f.AmenityID, TenantID: f.TenantID, Status: f.Status,
		UpdatedSince: since(f.UpdatedSince), Lim: int64(f.Limit()), BelowID: f.Below(), Off: int64(f.Offset()),
	})
	if err != nil {
		return porter.List[*porter.AmenityBooking]{}, fmt.Errorf("list amenity bookings: %w", err)
	}
	var out porter.List[*porter.AmenityBooking]
	for _, r := range rows {
		out.Items = append(out.Items, amenityBooking(r.AmenityBooking))
		out.Total = int(r.Total)
	}
	return out, nil
}

func amenityBooking(r db.AmenityBooking) *porter.AmenityBooking {
	return &porter.AmenityBooking{ID: r.ID, Kind: porter.BookingKindAmenity, AmenityID: r.AmenityID, PropertyID: r.PropertyID,
		TenantID: r.TenantID, StartsAt: pts(r.StartsAt), EndsAt: pts(r.EndsAt), Status: r.Status, Notes: r.Notes,
		CancelledAt: pnts(r.CancelledAt), CreatedAt: pts(r.CreatedAt), UpdatedAt: pts(r.UpdatedAt)}
}

func (t *tx) InsertAcknowledgement(ctx context.Context, a *porter.Acknowledgement) (bool, error) {
	id, err := t.q.InsertBroadcastAcknowledgement(ctx, db.InsertBroadcastAcknowledgementParams{
		OrgID: t.orgID, BroadcastID: a.BroadcastID, TenantID: a.TenantID, AcknowledgedAt: ts(a.AcknowledgedAt),
	})
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	} else if err != nil {
		return false, fmt.Errorf("insert acknowledgement: %w", err)
	}
	a.ID = id
	return true, nil
}

func (t *tx) Acknowledgement(ctx context.Context, broadcastID, tenantID int64) (*porter.Acknowledgement, error) {
	r, err := t.q.GetBroadcastAcknowledgement(ctx, db.GetBroadcastAcknowledgementParams{OrgID: t.orgID, BroadcastID: broadcastID, TenantID: tenantID})
	if err != nil {
		return nil, notFound(err, "acknowledgement", tenantID)
	}
	return acknowledgement(r), nil
}

func (t *tx) Acknowledgements(ctx context.Context, broadcastID int64, p porter.ListParams) (porter.List[*porter.Acknowledgement], error) {
	rows, err := t.q.ListBroadcastAcknowledgements(ctx, db.ListBroadcastAcknowledgementsParams{
		OrgID: t.orgID, BroadcastID: broadcastID, Lim: int64(p.Limit()), BelowID: p.Below(), Off: int64(p.Offset()),
	})
	if err != nil {
		return porter.List[*porter.Acknowledgement]{}, fmt.Errorf("list acknowledgements: %w", err)
	}
	var out porter.List[*porter.Acknowledgement]
	for _, r := range rows {
		out.Items = append(out.Items, acknowledgement(r.BroadcastAcknowledgement))
		out.Total = int(r.Total)
	}
	return out, nil
}

func acknowledgement(r db.BroadcastAcknowledgement) *porter.Acknowledgement {
	return &porter.Acknowledgement{ID: r.ID, BroadcastID: r.BroadcastID, TenantID: r.TenantID, AcknowledgedAt: pts(r.AcknowledgedAt)}
}
