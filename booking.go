package porter

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"time"
)

// Booking is a short-term stay on one unit. Its nights run from CheckIn to
// the night before CheckOut: the check-out day is free for the next
// guest's check-in (same-day turnover).
type Booking struct {
	ID            int64   `json:"id"`
	Kind          string  `json:"kind"`      // always "stay": amenity bookings share the booking.* events with kind "amenity"
	Reference     string  `json:"reference"` // BKG-XXXXXX, unique in the organization
	PropertyID    int64   `json:"property_id"`
	UnitID        int64   `json:"unit_id"`
	Status        string  `json:"status"`
	Source        string  `json:"source"`
	GuestName     string  `json:"guest_name"`
	GuestEmail    string  `json:"guest_email"`
	GuestPhone    string  `json:"guest_phone"`
	GuestsCount   int64   `json:"guests_count"`
	CheckIn       string  `json:"check_in"`
	CheckOut      string  `json:"check_out"`
	Nights        int64   `json:"nights"`
	NightlyPrices []Night `json:"nightly_prices"`
	// Accommodation is the sum of the nightly prices (room revenue).
	Accommodation      Money      `json:"accommodation"`
	Fees               Money      `json:"fees"`
	Taxes              Money      `json:"taxes"`
	Total              Money      `json:"total"` // accommodation + fees + taxes
	AmountPaid         Money      `json:"amount_paid"`
	Currency           string     `json:"currency"`
	Notes              string     `json:"notes"`
	CancellationReason string     `json:"cancellation_reason"`
	ConfirmedAt        *time.Time `json:"confirmed_at"`
	CheckedInAt        *time.Time `json:"checked_in_at"`
	CheckedOutAt       *time.Time `json:"checked_out_at"`
	CancelledAt        *time.Time `json:"cancelled_at"`
	NoShowAt           *time.Time `json:"no_show_at"`
	CreatedAt          time.Time  `json:"created_at"`
	UpdatedAt          time.Time  `json:"updated_at"`
}

// Night is the price of one night of a stay.
type Night struct {
	Date  string `json:"date"`
	Price Money  `json:"price"`
}

// Booking statuses.
const (
	BookingPending    = "pending"
	BookingConfirmed  = "confirmed"
	BookingCheckedIn  = "checked_in"
	BookingCheckedOut = "checked_out"
	BookingCancelled  = "cancelled"
	BookingNoShow     = "no_show"
)

// BookingStatuses lists every status, in lifecycle order.
var BookingStatuses = []string{BookingPending, BookingConfirmed, BookingCheckedIn, BookingCheckedOut, BookingCancelled, BookingNoShow}

// BookingSources lists where a booking may come from.
var BookingSources = []string{"direct", "airbnb", "booking", "vrbo", "ical", "other"}

// holdsDates reports whether a booking in status keeps its nights from
// other bookings and blocks. A pending booking is a request: it holds
// nothing until confirmed.
func holdsDates(status string) bool { return status == BookingConfirmed || status == BookingCheckedIn }

type bookingAction struct {
	from  []string
	to    string
	event string
}

// bookingActions is the state machine: pending → confirmed → checked_in →
// checked_out; cancel from pending or confirmed; no_show from confirmed.
var bookingActions = map[string]bookingAction{
	"confirm":   {from: []string{BookingPending}, to: BookingConfirmed, event: "booking.confirmed"},
	"check_in":  {from: []string{BookingConfirmed}, to: BookingCheckedIn, event: "booking.checked_in"},
	"check_out": {from: []string{BookingCheckedIn}, to: BookingCheckedOut, event: "booking.checked_out"},
	"cancel":    {from: []string{BookingPending, BookingConfirmed}, to: BookingCancelled, event: "booking.cancelled"},
	"no_show":   {from: []string{BookingConfirmed}, to: BookingNoShow, event: "booking.no_show"},
}

// BookingFilter narrows a booking listing. From and To (dates, included)
// keep the stays with a night between them.
type BookingFilter struct {
	ListParams
	PropertyID int64
	UnitID     int64
	Status     string
	Source     string
	Reference  string
	From, To   string
}

// BookingTx stores bookings and the payments collected on them.
type BookingTx interface {
	InsertBooking(ctx context.Context, b *Booking) error
	Booking(ctx context.Context, id int64) (*Booking, error)
	// BookingForUpdate is Booking, locking the row until the transaction
	// ends where the engine has concurrent writers.
	BookingForUpdate(ctx context.Context, id int64) (*Booking, error)
	UpdateBooking(ctx context.Context, b *Booking) error
	Bookings(ctx context.Context, f BookingFilter) (List[*Booking], error)
	BookingReferenceTaken(ctx context.Context, reference string) (bool, error)
	// StaysOverlapping returns the confirmed, checked-in and checked-out
	// bookings with a night in [from, to) (to excluded), of one unit, or
	// of a property's units, or of every unit (0 for both), other than
	// excludeID, by check-in.
	StaysOverlapping(ctx context.Context, propertyID, unitID int64, from, to string, excludeID int64) ([]*Booking, error)
	InsertBookingPayment(ctx context.Context, p *BookingPayment) error
	BookingPayments(ctx context.Context, bookingID int64) ([]*BookingPayment, error)
}

// BookingInput creates a booking. The price is nightly_rate for every
// night, or nightly_prices night by night, or, with neither, the seasonal
// rates that apply.
type BookingInput struct {
	PropertyID    *int64   `json:"property_id"`
	UnitID        *int64   `json:"unit_id"`
	Status        *string  `json:"status" doc:"pending (default) or confirmed"`
	Source        *string  `json:"source"`
	GuestName     *string  `json:"guest_name"`
	GuestEmail    *string  `json:"guest_email"`
	GuestPhone    *string  `json:"guest_phone"`
	GuestsCount   *int64   `json:"guests_count"`
	CheckIn       *string  `json:"check_in"`
	CheckOut      *string  `json:"check_out"`
	NightlyRate   *Money   `json:"nightly_rate"`
	NightlyPrices *[]Night `json:"nightly_prices"`
	Fees          *Money   `json:"fees"`
	Taxes         *Money   `json:"taxes"`
	Currency      *string  `json:"currency"`
	Notes         *string  `json:"notes"`
}

// BookingPatch edits a booking. New dates without a new price are priced
// again from the seasonal rates.
type BookingPatch struct {
	Source        *string  `json:"source"`
	GuestName     *string  `json:"guest_name"`
	GuestEmail    *string  `json:"guest_email"`
	GuestPhone    *string  `json:"guest_phone"`
	GuestsCount   *int64   `json:"guests_count"`
	CheckIn       *string  `json:"check_in"`
	CheckOut      *string  `json:"check_out"`
	NightlyRate   *Money   `json:"nightly_rate"`
	NightlyPrices *[]Night `json:"nightly_prices"`
	Fees          *Money   `json:"fees"`
	Taxes         *Money   `json:"taxes"`
	Currency      *string  `json:"currency"`
	Notes         *string  `json:"notes"`
}

// CancelInput cancels a booking.
type CancelInput struct {
	Reason *string `json:"reason"`
}

// BookingPayment is money collected from the guest against a booking (a
// deposit, the balance). It is not a tenant payment: it allocates to no
// charge, and counts in the booking's amount_paid.
type BookingPayment struct {
	ID         int64     `json:"id"`
	BookingID  int64     `json:"booking_id"`
	Amount     Money     `json:"amount"`
	Currency   string    `json:"currency"`
	Method     string    `json:"method"`
	Reference  string    `json:"reference"`
	ReceivedAt time.Time `json:"received_at"`
}

// BookingPaymentInput records a payment on a booking.
type BookingPaymentInput struct {
	Amount    *Money  `json:"amount"`
	Method    *string `json:"method" doc:"free text such as card, cash, bank_transfer, cmi; default manual"`
	Reference *string `json:"reference" doc:"the processor's or bank's reference"`
}

// MaxStayNights bounds a stay.
const MaxStayNights = 365

func (p BookingPatch) apply(b *Booking) {
	set(&b.Source, p.Source)
	set(&b.GuestName, p.GuestName)
	set(&b.GuestEmail, p.GuestEmail)
	set(&b.GuestPhone, p.GuestPhone)
	set(&b.GuestsCount, p.GuestsCount)
	set(&b.CheckIn, p.CheckIn)
	set(&b.CheckOut, p.CheckOut)
	set(&b.Fees, p.Fees)
	set(&b.Taxes, p.Taxes)
	set(&b.Currency, p.Currency)
	set(&b.Notes, p.Notes)
}

// validate checks what a booking says of itself; prices are checked by
// price.
func (b *Booking) validate(v *Validation, rate *Money, nights *[]Night) {
	b.GuestName = strings.TrimSpace(b.GuestName)
	b.GuestEmail = strings.ToLower(strings.TrimSpace(b.GuestEmail))
	b.GuestPhone = strings.TrimSpace(b.GuestPhone)
	v.Required("guest_name", b.GuestName)
	if len(b.GuestName) > 200 {
		v.Add("guest_name", "must be at most 200 characters")
	}
	if b.GuestEmail != "" {
		if a, err := mail.ParseAddress(b.GuestEmail); err != nil || a.Address != b.GuestEmail {
			v.Add("guest_email", "must be an email address")
		}
	}
	if len(b.GuestPhone) > 50 {
		v.Add("guest_phone", "must be at most 50 characters")
	}
	if b.GuestsCount < 1 || b.GuestsCount > 100 {
		v.Add("guests_count", "must be from 1 to 100")
	}
	v.OneOf("source", b.Source, BookingSources...)
	okIn, okOut := checkDate(v, "check_in", b.CheckIn), checkDate(v, "check_out", b.CheckOut)
	if okIn && okOut {
		switch n := daysBetween(b.CheckIn, b.CheckOut); {
		case n < 1:
			v.Add("check_out", "must be after check_in")
		case n > MaxStayNights:
			v.Add("check_out", "must be at most %d nights after check_in", MaxStayNights)
		default:
			b.Nights = int64(n)
		}
	}
	if b.Fees < 0 {
		v.Add("fees", "must not be negative")
	}
	if b.Taxes < 0 {
		v.Add("taxes", "must not be negative")
	}
	checkCurrency(v, "currency", &b.Currency, false)
	if len(b.Notes) > 5000 {
		v.Add("notes", "must be at most 5000 characters")
	}
	if rate != nil && nights != nil {
		v.Add("nightly_rate", "and nightly_prices cannot both be given")
	}
	if rate != nil && *rate < 0 {
		v.Add("nightly_rate", "must not be negative")
	}
	if nights != nil {
		for i, n := range *nights {
			if _, err := ParseDate(n.Date); err != nil {
				v.Add(fmt.Sprintf("nightly_prices[%d].date", i), "%s", err.Error())
			}
			if n.Price < 0 {
				v.Add(fmt.Sprintf("nightly_prices[%d].price", i), "must not be negative")
			}
		}
	}
}

// price sets the nightly breakdown and the totals: from rate (every
// night), nights (each night listed once) or, with neither, the seasonal
// rates, whose minimum stay also applies. Bookings imported from iCal
// carry no price: nights no rate covers are worth 0 and the minimum stay
// is not checked, as the stay was accepted elsewhere.
func (b *Booking) price(ctx context.Context, tx Tx, rate *Money, nights *[]Night) error {
	rates, err := tx.RatesCovering(ctx, b.PropertyID, b.CheckIn, addDays(b.CheckOut, -1))
	if err != nil {
		return err
	}
	imported := b.Source == "ical"
	if r := applicableRate(rates, b.PropertyID, b.UnitID, b.CheckIn); r != nil && !imported && b.Nights < r.MinStay {
		return &Error{Code: EUNPROCESS, Message: fmt.Sprintf("the stay is %d nights; rate %d (%s) requires at least %d nights from check-in on %s", b.Nights, r.ID, r.Name, r.MinStay, b.CheckIn),
			Fields: []FieldError{{Field: "check_out", Message: fmt.Sprintf("the minimum stay is %d nights", r.MinStay)}}}
	}
	b.NightlyPrices = make([]Night, 0, b.Nights)
	switch {
	case rate != nil:
		for d := b.CheckIn; d < b.CheckOut; d = addDays(d, 1) {
			b.NightlyPrices = append(b.NightlyPrices, Night{Date: d, Price: *rate})
		}
	case nights != nil:
		byDate := map[string]Money{}
		var v Validation
		for i, n := range *nights {
			if n.Date < b.CheckIn || n.Date >= b.CheckOut {
				v.Add(fmt.Sprintf("nightly_prices[%d].date", i), "%s is not a night of the stay (%s to %s)", n.Date, b.CheckIn, addDays(b.CheckOut, -1))
			} else if _, dup := byDate[n.Date]; dup {
				v.Add(fmt.Sprintf("nightly_prices[%d].date", i), "%s is listed twice", n.Date)
			}
			byDate[n.Date] = n.Price
		}
		var missing []string
		for d := b.CheckIn; d < b.CheckOut; d = addDays(d, 1) {
			if p, ok := byDate[d]; ok {
				b.NightlyPrices = append(b.NightlyPrices, Night{Date: d, Price: p})
			} else {
				missing = append(missing, d)
			}
		}
		if len(missing) > 0 {
			v.Add("nightly_prices", "lacks the nights of %s", strings.Join(missing, ", "))
		}
		if err := v.Err(); err != nil {
			return err
		}
	default:
		var missing []string
		currency := ""
		for d := b.CheckIn; d < b.CheckOut; d = addDays(d, 1) {
			r := applicableRate(rates, b.PropertyID, b.UnitID, d)
			if r == nil {
				missing = append(missing, d)
				b.NightlyPrices = append(b.NightlyPrices, Night{Date: d})
				continue
			}
			if currency != "" && r.Currency != currency {
				return &Error{Code: EUNPROCESS, Message: fmt.Sprintf("the rates of this stay are in %s and %s: give nightly_rate or nightly_prices", currency, r.Currency),
					Fields: []FieldError{{Field: "nightly_prices", Message: "the rates of this stay mix currencies"}}}
			}
			currency = r.Currency
			b.NightlyPrices = append(b.NightlyPrices, Night{Date: d, Price: r.priceOn(d)})
		}
		if len(missing) > 0 && !imported {
			return &Error{Code: EUNPROCESS, Message: fmt.Sprintf("no rate covers the nights of %s: give nightly_rate or nightly_prices", strings.Join(missing, ", ")),
				Fields: []FieldError{{Field: "nightly_prices", Message: "no rate covers " + strings.Join(missing, ", ")}}}
		}
		if currency != "" {
			if b.Currency != "" && b.Currency != currency {
				return &Error{Code: EUNPROCESS, Message: fmt.Sprintf("currency %s differs from the rates' %s", b.Currency, currency),
					Fields: []FieldError{{Field: "currency", Message: "must be " + currency + ", the rates' currency"}}}
			}
			b.Currency = currency
		}
	}
	if b.Currency == "" {
		return &Error{Code: EINVALID, Message: "currency is required when the price does not come from the rates",
			Fields: []FieldError{{Field: "currency", Message: "is required (an ISO 4217 code such as EUR)"}}}
	}
	b.totals()
	return nil
}

// totals sums the nights, fees and taxes.
func (b *Booking) totals() {
	b.Accommodation = 0
	for _, n := range b.NightlyPrices {
		b.Accommodation += n.Price
	}
	b.Total = b.Accommodation + b.Fees + b.Taxes
}

// checkFree refuses b's nights when a block or a booking holding its
// dates covers one. The caller holds the unit's lock.
func checkFree(ctx context.Context, tx Tx, b *Booking) error {
	blocks, err := tx.BlocksCovering(ctx, 0, b.UnitID, b.CheckIn, addDays(b.CheckOut, -1), 0)
	if err != nil {
		return err
	}
	if len(blocks) > 0 {
		k := blocks[0]
		return Errorf(ECONFLICT, "unit %d is blocked from %s to %s (block %d, %s: %s)", b.UnitID, k.StartDate, k.EndDate, k.ID, k.Kind, k.Reason)
	}
	held, err := holdingBookings(ctx, tx, b.UnitID, b.CheckIn, b.CheckOut, b.ID)
	if err != nil {
		return err
	}
	if len(held) > 0 {
		c := held[0]
		return Errorf(ECONFLICT, "the stay overlaps booking %d (%s), %s from %s to %s", c.ID, c.Reference, c.Status, c.CheckIn, c.CheckOut)
	}
	return nil
}

// holdingBookings returns the unit's bookings that hold a night in
// [from, to).
func holdingBookings(ctx context.Context, tx Tx, unitID int64, from, to string, excludeID int64) ([]*Booking, error) {
	stays, err := tx.StaysOverlapping(ctx, 0, unitID, from, to, excludeID)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(stays, func(b *Booking) bool { return !holdsDates(b.Status) }), nil
}

// referenceAlphabet leaves out 0, O, 1, I and L, which read alike.
const referenceAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

func newReference() string {
	var buf [6]byte
	_, _ = rand.Read(buf[:])
	out := []byte("BKG-")
	for _, c := range buf {
		out = append(out, referenceAlphabet[int(c)%len(referenceAlphabet)])
	}
	return string(out)
}

// uniqueReference draws references until one is free in the
// organization. A unique index backs the check.
func uniqueReference(ctx context.Context, tx Tx) (string, error) {
	for range 10 {
		ref := newReference()
		taken, err := tx.BookingReferenceTaken(ctx, ref)
		if err != nil {
			return "", err
		}
		if !taken {
			return ref, nil
		}
	}
	return "", fmt.Errorf("booking reference: 10 collisions in a row")
}

// bookingUnit locks the unit a booking names and checks property_id
// against it.
func bookingUnit(ctx context.Context, tx Tx, v *Validation, unitID, propertyID *int64) (*Unit, error) {
	if unitID == nil || *unitID == 0 {
		v.Add("unit_id", "is required")
		return nil, nil
	}
	// The lock serialises every booking and block of the unit, so that
	// two overlapping stays cannot both pass the overlap check.
	u, err := tx.UnitForUpdate(ctx, *unitID)
	if ErrorCode(err) == ENOTFOUND {
		v.Add("unit_id", "%d does not exist", *unitID)
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if propertyID != nil && *propertyID != 0 && *propertyID != u.PropertyID {
		v.Add("property_id", "is %d, but unit_id %d belongs to property %d", *propertyID, u.ID, u.PropertyID)
	}
	return u, nil
}

// CreateBooking books a stay, pending unless status says confirmed →
// booking.created (and booking.confirmed).
func (s *Service) CreateBooking(ctx context.Context, orgID int64, in BookingInput) (*Booking, error) {
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*Booking, error) {
		b := &Booking{Kind: BookingKindStay, Status: BookingPending, Source: "direct", GuestsCount: 1, CreatedAt: now, UpdatedAt: now}
		set(&b.Status, in.Status)
		BookingPatch{Source: in.Source, GuestName: in.GuestName, GuestEmail: in.GuestEmail, GuestPhone: in.GuestPhone,
			GuestsCount: in.GuestsCount, CheckIn: in.CheckIn, CheckOut: in.CheckOut, Fees: in.Fees, Taxes: in.Taxes,
			Currency: in.Currency, Notes: in.Notes}.apply(b)
		var v Validation
		v.OneOf("status", b.Status, BookingPending, BookingConfirmed)
		b.validate(&v, in.NightlyRate, in.NightlyPrices)
		u, err := bookingUnit(ctx, tx, &v, in.UnitID, in.PropertyID)
		if err != nil {
			return nil, err
		}
		if err := v.Err(); err != nil {
			return nil, err
		}
		b.UnitID, b.PropertyID = u.ID, u.PropertyID
		// Taken dates are the first thing to tell: no price makes them free.
		if err := checkFree(ctx, tx, b); err != nil {
			return nil, err
		}
		if err := b.price(ctx, tx, in.NightlyRate, in.NightlyPrices); err != nil {
			return nil, err
		}
		if b.Status == BookingConfirmed {
			b.ConfirmedAt = &now
		}
		if b.Reference, err = uniqueReference(ctx, tx); err != nil {
			return nil, err
		}
		if err := tx.InsertBooking(ctx, b); err != nil {
			return nil, fmt.Errorf("create booking: %w", err)
		}
		if err := recordBooking(ctx, tx, now, "booking.created", b, nil); err != nil {
			return nil, err
		}
		if err := SyncBookingCleaning(ctx, tx, now, b, ""); err != nil { // cleaning of the check-out
			return nil, err
		}
		if b.Status == BookingConfirmed {
			return b, recordBooking(ctx, tx, now, "booking.confirmed", b, nil)
		}
		return b, nil
	})
}

// UpdateBooking edits a pending, confirmed or checked-in booking →
// booking.updated with previous_attributes.
func (s *Service) UpdateBooking(ctx context.Context, orgID, id int64, in BookingPatch) (*Booking, error) {
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*Booking, error) {
		b, err := tx.BookingForUpdate(ctx, id)
		if err != nil {
			return nil, err
		}
		if !slices.Contains([]string{BookingPending, BookingConfirmed, BookingCheckedIn}, b.Status) {
			return nil, Errorf(ECONFLICT, "booking %d is %s and can no longer be edited", id, b.Status)
		}
		before := *b
		in.apply(b)
		var v Validation
		b.validate(&v, in.NightlyRate, in.NightlyPrices)
		if b.Status == BookingCheckedIn && b.CheckIn != before.CheckIn {
			v.Add("check_in", "cannot change once the guest has checked in")
		}
		if err := v.Err(); err != nil {
			return nil, err
		}
		datesMoved := b.CheckIn != before.CheckIn || b.CheckOut != before.CheckOut
		if datesMoved {
			if _, err := tx.UnitForUpdate(ctx, b.UnitID); err != nil {
				return nil, err
			}
			if err := checkFree(ctx, tx, b); err != nil {
				return nil, err
			}
		}
		if datesMoved || in.NightlyRate != nil || in.NightlyPrices != nil || b.Source != before.Source {
			if in.Currency == nil && in.NightlyRate == nil && in.NightlyPrices == nil {
				b.Currency = "" // priced again from the rates, in theirs
			}
			if err := b.price(ctx, tx, in.NightlyRate, in.NightlyPrices); err != nil {
				return nil, err
			}
		} else {
			b.totals()
		}
		if unchanged(&before, b) {
			return b, nil
		}
		b.UpdatedAt = now
		if err := tx.UpdateBooking(ctx, b); err != nil {
			return nil, fmt.Errorf("update booking: %w", err)
		}
		if datesMoved { // the cleaning of the check-out follows
			if err := SyncBookingCleaning(ctx, tx, now, b, before.Status); err != nil {
				return nil, err
			}
		}
		return b, recordBooking(ctx, tx, now, "booking.updated", b, &before)
	})
}

func (s *Service) bookingTransition(ctx context.Context, orgID, id int64, action string, change func(tx Tx, b *Booking, now time.Time) error) (*Booking, error) {
	a := bookingActions[action]
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*Booking, error) {
		b, err := tx.BookingForUpdate(ctx, id)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(a.from, b.Status) {
			return nil, Errorf(ECONFLICT, "cannot %s booking %d (%s): its status is %s (%s needs %s)",
				strings.ReplaceAll(action, "_", " "), id, b.Reference, b.Status, action, strings.Join(a.from, " or "))
		}
		before := *b
		b.Status = a.to
		if err := change(tx, b, now); err != nil {
			return nil, err
		}
		b.UpdatedAt = now
		if err := tx.UpdateBooking(ctx, b); err != nil {
			return nil, fmt.Errorf("%s booking: %w", action, err)
		}
		if err := SyncBookingCleaning(ctx, tx, now, b, before.Status); err != nil { // cleaning of the check-out
			return nil, err
		}
		return b, recordBooking(ctx, tx, now, a.event, b, &before)
	})
}

// ConfirmBooking confirms a pending booking: its nights must be free.
func (s *Service) ConfirmBooking(ctx context.Context, orgID, id int64) (*Booking, error) {
	return s.bookingTransition(ctx, orgID, id, "confirm", func(tx Tx, b *Booking, now time.Time) error {
		if _, err := tx.UnitForUpdate(ctx, b.UnitID); err != nil {
			return err
		}
		if err := checkFree(ctx, tx, b); err != nil {
			return err
		}
		b.ConfirmedAt = &now
		return nil
	})
}

// CheckInBooking records the guest's arrival.
func (s *Service) CheckInBooking(ctx context.Context, orgID, id int64) (*Booking, error) {
	return s.bookingTransition(ctx, orgID, id, "check_in", func(_ Tx, b *Booking, now time.Time) error { b.CheckedInAt = &now; return nil })
}

// CheckOutBooking records the guest's departure.
func (s *Service) CheckOutBooking(ctx context.Context, orgID, id int64) (*Booking, error) {
	return s.bookingTransition(ctx, orgID, id, "check_out", func(_ Tx, b *Booking, now time.Time) error { b.CheckedOutAt = &now; return nil })
}

// CancelBooking cancels a pending or confirmed booking, with a reason.
func (s *Service) CancelBooking(ctx context.Context, orgID, id int64, in CancelInput) (*Booking, error) {
	return s.bookingTransition(ctx, orgID, id, "cancel", func(_ Tx, b *Booking, now time.Time) error {
		reason := ""
		if in.Reason != nil {
			reason = strings.TrimSpace(*in.Reason)
		}
		var v Validation
		v.Required("reason", reason)
		if len(reason) > 1000 {
			v.Add("reason", "must be at most 1000 characters")
		}
		if err := v.Err(); err != nil {
			return err
		}
		b.CancellationReason, b.CancelledAt = reason, &now
		return nil
	})
}

// NoShowBooking records that the guest of a confirmed booking did not
// come: possible from the check-in day (UTC) on.
func (s *Service) NoShowBooking(ctx context.Context, orgID, id int64) (*Booking, error) {
	return s.bookingTransition(ctx, orgID, id, "no_show", func(_ Tx, b *Booking, now time.Time) error {
		if today := dateOf(now); today < b.CheckIn {
			return Errorf(ECONFLICT, "booking %d (%s) checks in on %s: a no-show can be recorded from that day on (today is %s, UTC)", b.ID, b.Reference, b.CheckIn, today)
		}
		b.NoShowAt = &now
		return nil
	})
}

// RecordBookingPayment records money collected from the guest →
// booking.payment_received. It may not exceed the balance due.
func (s *Service) RecordBookingPayment(ctx context.Context, orgID, id int64, in BookingPaymentInput) (*BookingPayment, error) {
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*BookingPayment, error) {
		// An unknown booking is 404 before anything about the body.
		b, err := tx.BookingForUpdate(ctx, id)
		if err != nil {
			return nil, err
		}
		p := &BookingPayment{BookingID: id, Method: DefaultPaymentMethod, ReceivedAt: now}
		var v Validation
		if in.Amount == nil {
			v.Add("amount", "is required")
		} else if *in.Amount <= 0 {
			v.Add("amount", "must be positive")
		} else {
			p.Amount = *in.Amount
		}
		if in.Method != nil && strings.TrimSpace(*in.Method) != "" {
			p.Method = strings.TrimSpace(*in.Method)
		}
		if len(p.Method) > 50 {
			v.Add("method", "must be at most 50 characters")
		}
		set(&p.Reference, in.Reference)
		p.Reference = strings.TrimSpace(p.Reference)
		if len(p.Reference) > 200 {
			v.Add("reference", "must be at most 200 characters")
		}
		if err := v.Err(); err != nil {
			return nil, err
		}
		if b.Status == BookingCancelled {
			return nil, Errorf(ECONFLICT, "booking %d (%s) is cancelled", b.ID, b.Reference)
		}
		if due := b.Total - b.AmountPaid; p.Amount > due {
			return nil, &Error{Code: EUNPROCESS, Message: fmt.Sprintf("amount %s exceeds the balance due of %s %s", p.Amount, due, b.Currency),
				Fields: []FieldError{{Field: "amount", Message: fmt.Sprintf("must be at most %s", due)}}}
		}
		p.Currency = b.Currency
		if err := tx.InsertBookingPayment(ctx, p); err != nil {
			return nil, fmt.Errorf("record booking payment: %w", err)
		}
		b.AmountPaid += p.Amount
		b.UpdatedAt = now
		if err := tx.UpdateBooking(ctx, b); err != nil {
			return nil, fmt.Errorf("record booking payment: %w", err)
		}
		data := map[string]any{"booking": b, "payment": p}
		return p, recordNested(ctx, tx, now, "booking.payment_received", "booking", b.ID, data, nil, nil)
	})
}

// recordBooking records a booking event: data.booking, as seed 003 shows.
func recordBooking(ctx context.Context, tx Tx, now time.Time, typ string, b, before *Booking) error {
	var prev any
	if before != nil {
		prev = before
	}
	return recordNested(ctx, tx, now, typ, "booking", b.ID, map[string]any{"booking": b}, b, prev)
}

// recordNested records an event whose data wraps the resource (seed
// 003's data.booking): previous_attributes compare the resource itself.
func recordNested(ctx context.Context, tx Tx, now time.Time, typ, resourceType string, id int64, data, resource, before any) error {
	if _, ok := catalogIndex[typ]; !ok {
		return fmt.Errorf("record %s: not in the event catalog", typ)
	}
	raw, err := json.Marshal(data)
	if err != nil {
		return fmt.Errorf("record %s: %w", typ, err)
	}
	e := &Event{OrgID: tx.OrgID(), Type: typ, FiredAt: now.UTC(), ResourceType: resourceType, ResourceID: id, Data: raw}
	if before != nil && !isNil(before) {
		cur, err := json.Marshal(resource)
		if err != nil {
			return fmt.Errorf("record %s: %w", typ, err)
		}
		if e.PreviousAttributes, err = previousAttributes(before, cur); err != nil {
			return fmt.Errorf("record %s: %w", typ, err)
		}
	}
	sourceEvent(ctx, e)
	if err := tx.InsertEvent(ctx, e); err != nil {
		return fmt.Errorf("record %s: %w", typ, err)
	}
	return nil
}

// Booking returns one booking.
func (s *Service) Booking(ctx context.Context, orgID, id int64) (*Booking, error) {
	return view(ctx, s, orgID, func(tx Tx) (*Booking, error) { return tx.Booking(ctx, id) })
}

// Bookings lists bookings, newest first.
func (s *Service) Bookings(ctx context.Context, orgID int64, f BookingFilter) (List[*Booking], error) {
	f.Normalize()
	return view(ctx, s, orgID, func(tx Tx) (List[*Booking], error) { return tx.Bookings(ctx, f) })
}

// BookingPayments lists the payments of a booking, oldest first.
func (s *Service) BookingPayments(ctx context.Context, orgID, id int64) ([]*BookingPayment, error) {
	return view(ctx, s, orgID, func(tx Tx) ([]*BookingPayment, error) {
		if _, err := tx.Booking(ctx, id); err != nil {
			return nil, err
		}
		return tx.BookingPayments(ctx, id)
	})
}
