package postgres

import (
	"context"
	"encoding/json"
	"fmt"

	"porter"
	"porter/postgres/internal/db"
)

// Short-term rentals: bookings, their payments, blocks and seasonal rates.

func (t *tx) InsertBooking(ctx context.Context, b *porter.Booking) error {
	id, err := t.q.InsertBooking(ctx, db.InsertBookingParams{
		OrgID: t.orgID, Reference: b.Reference, PropertyID: b.PropertyID, UnitID: b.UnitID, Status: b.Status, Source: b.Source,
		GuestName: b.GuestName, GuestEmail: b.GuestEmail, GuestPhone: b.GuestPhone, GuestsCount: b.GuestsCount,
		CheckIn: b.CheckIn, CheckOut: b.CheckOut, Nights: b.Nights, NightlyPrices: encodeNights(b.NightlyPrices),
		Accommodation: int64(b.Accommodation), Fees: int64(b.Fees), Taxes: int64(b.Taxes), Total: int64(b.Total),
		AmountPaid: int64(b.AmountPaid), Currency: b.Currency, Notes: b.Notes, CancellationReason: b.CancellationReason,
		ConfirmedAt: b.ConfirmedAt, CheckedInAt: b.CheckedInAt, CheckedOutAt: b.CheckedOutAt,
		CancelledAt: b.CancelledAt, NoShowAt: b.NoShowAt, CreatedAt: b.CreatedAt, UpdatedAt: b.UpdatedAt,
	})
	if err != nil {
		return fmt.Errorf("insert booking: %w", err)
	}
	b.ID = id
	return nil
}

func (t *tx) Booking(ctx context.Context, id int64) (*porter.Booking, error) {
	r, err := t.q.GetBooking(ctx, db.GetBookingParams{OrgID: t.orgID, ID: id})
	if err != nil {
		return nil, notFound(err, "booking", id)
	}
	return booking(r), nil
}

// BookingForUpdate locks the row (SELECT … FOR UPDATE): transactions run
// concurrently here, and a transition must see the status it changes.
func (t *tx) BookingForUpdate(ctx context.Context, id int64) (*porter.Booking, error) {
	r, err := t.q.LockBooking(ctx, db.LockBookingParams{OrgID: t.orgID, ID: id})
	if err != nil {
		return nil, notFound(err, "booking", id)
	}
	return booking(r), nil
}

func (t *tx) UpdateBooking(ctx context.Context, b *porter.Booking) error {
	n, err := t.q.UpdateBooking(ctx, db.UpdateBookingParams{
		OrgID: t.orgID, ID: b.ID, Status: b.Status, Source: b.Source,
		GuestName: b.GuestName, GuestEmail: b.GuestEmail, GuestPhone: b.GuestPhone, GuestsCount: b.GuestsCount,
		CheckIn: b.CheckIn, CheckOut: b.CheckOut, Nights: b.Nights, NightlyPrices: encodeNights(b.NightlyPrices),
		Accommodation: int64(b.Accommodation), Fees: int64(b.Fees), Taxes: int64(b.Taxes), Total: int64(b.Total),
		AmountPaid: int64(b.AmountPaid), Currency: b.Currency, Notes: b.Notes, CancellationReason: b.CancellationReason,
		ConfirmedAt: b.ConfirmedAt, CheckedInAt: b.CheckedInAt, CheckedOutAt: b.CheckedOutAt,
		CancelledAt: b.CancelledAt, NoShowAt: b.NoShowAt, UpdatedAt: b.UpdatedAt,
	})
	return affected(n, err, "booking", b.ID)
}

func (t *tx) Bookings(ctx context.Context, f porter.BookingFilter) (porter.List[*porter.Booking], error) {
	rows, err := t.q.ListBookings(ctx, db.ListBookingsParams{
		OrgID: t.orgID, PropertyID: f.PropertyID, UnitID: f.UnitID, Status: f.Status, Source: f.Source, Reference: f.Reference,
		DateFrom: f.From, DateTo: f.To, UpdatedSince: since(f.UpdatedSince), Lim: int32(f.Limit()), BelowID: f.Below(), Off: int32(f.Offset()),
	})
	if err != nil {
		return porter.List[*porter.Booking]{}, fmt.Errorf("list bookings: %w", err)
	}
	var out porter.List[*porter.Booking]
	for _, r := range rows {
		out.Items = append(out.Items, booking(r.Booking))
		out.Total = int(r.Total)
	}
	return out, nil
}

func (t *tx) BookingReferenceTaken(ctx context.Context, reference string) (bool, error) {
	n, err := t.q.BookingReferenceCount(ctx, db.BookingReferenceCountParams{OrgID: t.orgID, Reference: reference})
	if err != nil {
		return false, fmt.Errorf("booking reference: %w", err)
	}
	return n > 0, nil
}

func (t *tx) StaysOverlapping(ctx context.Context, propertyID, unitID int64, from, to string, excludeID int64) ([]*porter.Booking, error) {
	rows, err := t.q.StaysOverlapping(ctx, db.StaysOverlappingParams{OrgID: t.orgID, PropertyID: propertyID, UnitID: unitID,
		DateFrom: from, DateTo: to, ExcludeID: excludeID})
	if err != nil {
		return nil, fmt.Errorf("stays overlapping: %w", err)
	}
	out := make([]*porter.Booking, len(rows))
	for i, r := range rows {
		out[i] = booking(r)
	}
	return out, nil
}

func (t *tx) InsertBookingPayment(ctx context.Context, p *porter.BookingPayment) error {
	id, err := t.q.InsertBookingPayment(ctx, db.InsertBookingPaymentParams{OrgID: t.orgID, BookingID: p.BookingID,
		Amount: int64(p.Amount), Currency: p.Currency, Method: p.Method, Reference: p.Reference, ReceivedAt: p.ReceivedAt})
	if err != nil {
		return fmt.Errorf("insert booking payment: %w", err)
	}
	p.ID = id
	return nil
}

func (t *tx) BookingPayments(ctx context.Context, bookingID int64) ([]*porter.BookingPayment, error) {
	rows, err := t.q.ListBookingPayments(ctx, db.ListBookingPaymentsParams{OrgID: t.orgID, BookingID: bookingID})
	if err != nil {
		return nil, fmt.Errorf("list booking payments: %w", err)
	}
	out := make([]*porter.BookingPayment, len(rows))
	for i, r := range rows {
		out[i] = &porter.BookingPayment{ID: r.ID, BookingID: r.BookingID, Amount: porter.Money(r.Amount), Currency: r.Currency,
			Method: r.Method, Reference: r.Reference, ReceivedAt: r.ReceivedAt}
	}
	return out, nil
}

func booking(r db.Booking) *porter.Booking {
	return &porter.Booking{Kind: porter.BookingKindStay,
		ID: r.ID, Reference: r.Reference, PropertyID: r.PropertyID, UnitID: r.UnitID, Status: r.Status, Source: r.Source,
		GuestName: r.GuestName, GuestEmail: r.GuestEmail, GuestPhone: r.GuestPhone, GuestsCount: r.GuestsCount,
		CheckIn: r.CheckIn, CheckOut: r.CheckOut, Nights: r.Nights, NightlyPrices: decodeNights(r.NightlyPrices),
		Accommodation: porter.Money(r.Accommodation), Fees: porter.Money(r.Fees), Taxes: porter.Money(r.Taxes),
		Total: porter.Money(r.Total), AmountPaid: porter.Money(r.AmountPaid), Currency: r.Currency, Notes: r.Notes,
		CancellationReason: r.CancellationReason, ConfirmedAt: r.ConfirmedAt, CheckedInAt: r.CheckedInAt,
		CheckedOutAt: r.CheckedOutAt, CancelledAt: r.CancelledAt, NoShowAt: r.NoShowAt,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
	}
}

func encodeNights(n []porter.Night) string {
	if len(n) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(n)
	return string(b)
}

func decodeNights(s string) []porter.Night {
	out := []porter.Night{}
	_ = json.Unmarshal([]byte(s), &out)
	return out
}

// Blocks.

func (t *tx) InsertBlock(ctx context.Context, b *porter.Block) error {
	id, err := t.q.InsertBlock(ctx, db.InsertBlockParams{OrgID: t.orgID, PropertyID: b.PropertyID, UnitID: b.UnitID, Kind: b.Kind,
		StartDate: b.StartDate, EndDate: b.EndDate, Reason: b.Reason, CreatedAt: b.CreatedAt, UpdatedAt: b.UpdatedAt})
	if err != nil {
		return fmt.Errorf("insert block: %w", err)
	}
	b.ID = id
	return nil
}

func (t *tx) Block(ctx context.Context, id int64) (*porter.Block, error) {
	r, err := t.q.GetBlock(ctx, db.GetBlockParams{OrgID: t.orgID, ID: id})
	if err != nil {
		return nil, notFound(err, "block", id)
	}
	return block(r), nil
}

func (t *tx) UpdateBlock(ctx context.Context, b *porter.Block) error {
	n, err := t.q.UpdateBlock(ctx, db.UpdateBlockParams{OrgID: t.orgID, ID: b.ID, Kind: b.Kind, StartDate: b.StartDate,
		EndDate: b.EndDate, Reason: b.Reason, UpdatedAt: b.UpdatedAt})
	return affected(n, err, "block", b.ID)
}

func (t *tx) DeleteBlock(ctx context.Context, id int64) error {
	n, err := t.q.DeleteBlock(ctx, db.DeleteBlockParams{OrgID: t.orgID, ID: id})
	return affected(n, err, "block", id)
}

func (t *tx) Blocks(ctx context.Context, f porter.BlockFilter) (porter.List[*porter.Block], error) {
	rows, err := t.q.ListBlocks(ctx, db.ListBlocksParams{
		OrgID: t.orgID, PropertyID: f.PropertyID, UnitID: f.UnitID, Kind: f.Kind, DateFrom: f.From, DateTo: f.To,
		UpdatedSince: since(f.UpdatedSince), Lim: int32(f.Limit()), BelowID: f.Below(), Off: int32(f.Offset()),
	})
	if err != nil {
		return porter.List[*porter.Block]{}, fmt.Errorf("list blocks: %w", err)
	}
	var out porter.List[*porter.Block]
	for _, r := range rows {
		out.Items = append(out.Items, block(r.Block))
		out.Total = int(r.Total)
	}
	return out, nil
}

func (t *tx) BlocksCovering(ctx context.Context, propertyID, unitID int64, from, to string, excludeID int64) ([]*porter.Block, error) {
	rows, err := t.q.BlocksCovering(ctx, db.BlocksCoveringParams{OrgID: t.orgID, PropertyID: propertyID, UnitID: unitID,
		DateFrom: from, DateTo: to, ExcludeID: excludeID})
	if err != nil {
		return nil, fmt.Errorf("blocks covering: %w", err)
	}
	out := make([]*porter.Block, len(rows))
	for i, r := range rows {
		out[i] = block(r)
	}
	return out, nil
}

func block(r db.Block) *porter.Block {
	return &porter.Block{ID: r.ID, PropertyID: r.PropertyID, UnitID: r.UnitID, Kind: r.Kind, StartDate: r.StartDate,
		EndDate: r.EndDate, Reason: r.Reason, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
}

// Seasonal rates.

func (t *tx) InsertRate(ctx context.Context, r *porter.Rate) error {
	id, err := t.q.InsertRate(ctx, db.InsertRateParams{OrgID: t.orgID, PropertyID: r.PropertyID, UnitID: r.UnitID, Name: r.Name,
		StartDate: r.StartDate, EndDate: r.EndDate, NightlyPrice: int64(r.NightlyPrice), Currency: r.Currency, MinStay: r.MinStay,
		WeekdayAdjustments: encodeAdjustments(r.WeekdayAdjustments), CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt})
	if err != nil {
		return fmt.Errorf("insert rate: %w", err)
	}
	r.ID = id
	return nil
}

func (t *tx) Rate(ctx context.Context, id int64) (*porter.Rate, error) {
	r, err := t.q.GetRate(ctx, db.GetRateParams{OrgID: t.orgID, ID: id})
	if err != nil {
		return nil, notFound(err, "rate", id)
	}
	return rate(r), nil
}

func (t *tx) UpdateRate(ctx context.Context, r *porter.Rate) error {
	n, err := t.q.UpdateRate(ctx, db.UpdateRateParams{OrgID: t.orgID, ID: r.ID, Name: r.Name, StartDate: r.StartDate,
		EndDate: r.EndDate, NightlyPrice: int64(r.NightlyPrice), Currency: r.Currency, MinStay: r.MinStay,
		WeekdayAdjustments: encodeAdjustments(r.WeekdayAdjustments), UpdatedAt: r.UpdatedAt})
	return affected(n, err, "rate", r.ID)
}

func (t *tx) DeleteRate(ctx context.Context, id int64) error {
	n, err := t.q.DeleteRate(ctx, db.DeleteRateParams{OrgID: t.orgID, ID: id})
	return affected(n, err, "rate", id)
}

func (t *tx) Rates(ctx context.Context, f porter.RateFilter) (porter.List[*porter.Rate], error) {
	rows, err := t.q.ListRates(ctx, db.ListRatesParams{
		OrgID: t.orgID, PropertyID: f.PropertyID, UnitID: f.UnitID, DateFrom: f.From, DateTo: f.To,
		UpdatedSince: since(f.UpdatedSince), Lim: int32(f.Limit()), BelowID: f.Below(), Off: int32(f.Offset()),
	})
	if err != nil {
		return porter.List[*porter.Rate]{}, fmt.Errorf("list rates: %w", err)
	}
	var out porter.List[*porter.Rate]
	for _, r := range rows {
		out.Items = append(out.Items, rate(r.Rate))
		out.Total = int(r.Total)
	}
	return out, nil
}

func (t *tx) RatesCovering(ctx context.Context, propertyID int64, from, to string) ([]*porter.Rate, error) {
	rows, err := t.q.RatesCovering(ctx, db.RatesCoveringParams{OrgID: t.orgID, PropertyID: propertyID, DateFrom: from, DateTo: to})
	if err != nil {
		return nil, fmt.Errorf("rates covering: %w", err)
	}
	out := make([]*porter.Rate, len(rows))
	for i, r := range rows {
		out[i] = rate(r)
	}
	return out, nil
}

func rate(r db.Rate) *porter.Rate {
	return &porter.Rate{ID: r.ID, PropertyID: r.PropertyID, UnitID: r.UnitID, Name: r.Name, StartDate: r.StartDate,
		EndDate: r.EndDate, NightlyPrice: porter.Money(r.NightlyPrice), Currency: r.Currency, MinStay: r.MinStay,
		WeekdayAdjustments: decodeAdjustments(r.WeekdayAdjustments), CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
}

func encodeAdjustments(m map[string]int64) string {
	if len(m) == 0 {
		return "{}"
	}
	b, _ := json.Marshal(m)
	return string(b)
}

func decodeAdjustments(s string) map[string]int64 {
	out := map[string]int64{}
	_ = json.Unmarshal([]byte(s), &out)
	return out
}

// Calendar.

func (t *tx) CalendarUnits(ctx context.Context, propertyID int64) ([]*porter.Unit, error) {
	rows, err := t.q.CalendarUnits(ctx, db.CalendarUnitsParams{OrgID: t.orgID, PropertyID: propertyID})
	if err != nil {
		return nil, fmt.Errorf("calendar units: %w", err)
	}
	out := make([]*porter.Unit, len(rows))
	for i, r := range rows {
		out[i] = unit(r)
	}
	return out, nil
}
