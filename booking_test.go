package porter_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"

	"porter"
	"porter/storetest"
)

// rentalFixture is one property with two units and seasonal rates whose
// priority the tests work out by hand (dates in August 2025: the 1st is a
// Friday):
//
//	r1 property  07-01…08-31  100.00  min 2  fri/sat +20%
//	r2 property  08-01…08-10  120.00  min 1  sat +10%
//	r4 property  08-01…08-10  130.00  min 1  (same range as r2, newer: wins)
//	r3 unit1     08-09…08-31   90.00  min 1  (a unit's rate beats a narrower property rate)
type rentalFixture struct {
	svc                *porter.Service
	org                int64
	property           int64
	unit1, unit2       int64
	r1, r2, r3, r4     *porter.Rate
	otherOrg, otherUnt int64
}

func newRentalFixture(t *testing.T, s porter.Store) *rentalFixture {
	t.Helper()
	ctx := context.Background()
	svc, org := newService(t, s)
	f := &rentalFixture{svc: svc, org: org}
	p, err := svc.CreateProperty(ctx, org, porter.PropertyInput{Name: ptr("Riad Azur")})
	if err != nil {
		t.Fatal(err)
	}
	f.property = p.ID
	for _, dst := range []*int64{&f.unit1, &f.unit2} {
		u, err := svc.CreateUnit(ctx, org, porter.UnitInput{PropertyID: &p.ID, Name: ptr("Suite")})
		if err != nil {
			t.Fatal(err)
		}
		*dst = u.ID
	}
	rate := func(in porter.RateInput) *porter.Rate {
		t.Helper()
		r, err := svc.CreateRate(ctx, org, in)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	f.r1 = rate(porter.RateInput{PropertyID: &p.ID, Name: ptr("Summer"), StartDate: ptr("2025-07-01"), EndDate: ptr("2025-08-31"),
		NightlyPrice: ptr(porter.Money(10000)), Currency: ptr("eur"), MinStay: ptr(int64(2)),
		WeekdayAdjustments: &map[string]int64{"fri": 20, "sat": 20}})
	f.r2 = rate(porter.RateInput{PropertyID: &p.ID, Name: ptr("Festival"), StartDate: ptr("2025-08-01"), EndDate: ptr("2025-08-10"),
		NightlyPrice: ptr(porter.Money(12000)), Currency: ptr("EUR"), WeekdayAdjustments: &map[string]int64{"sat": 10}})
	f.r4 = rate(porter.RateInput{PropertyID: &p.ID, Name: ptr("Festival (revised)"), StartDate: ptr("2025-08-01"), EndDate: ptr("2025-08-10"),
		NightlyPrice: ptr(porter.Money(13000)), Currency: ptr("EUR")})
	f.r3 = rate(porter.RateInput{UnitID: &f.unit1, Name: ptr("Suite 1 late summer"), StartDate: ptr("2025-08-09"), EndDate: ptr("2025-08-31"),
		NightlyPrice: ptr(porter.Money(9000)), Currency: ptr("EUR")})

	otherOrg := &porter.Organization{Name: "Other", LeaseAlertDays: []int{60}}
	if err := s.CreateOrganization(ctx, otherOrg); err != nil {
		t.Fatal(err)
	}
	op, err := svc.CreateProperty(ctx, otherOrg.ID, porter.PropertyInput{Name: ptr("Elsewhere")})
	if err != nil {
		t.Fatal(err)
	}
	ou, err := svc.CreateUnit(ctx, otherOrg.ID, porter.UnitInput{PropertyID: &op.ID, Name: ptr("1")})
	if err != nil {
		t.Fatal(err)
	}
	f.otherOrg, f.otherUnt = otherOrg.ID, ou.ID
	return f
}

func (f *rentalFixture) book(t *testing.T, unit int64, in, out string, extra func(*porter.BookingInput)) (*porter.Booking, error) {
	t.Helper()
	b := porter.BookingInput{UnitID: &unit, GuestName: ptr("Karim B."), GuestsCount: ptr(int64(2)), CheckIn: &in, CheckOut: &out, Source: ptr("airbnb")}
	if extra != nil {
		extra(&b)
	}
	return f.svc.CreateBooking(context.Background(), f.org, b)
}

func confirmed(b *porter.BookingInput) { b.Status = ptr(porter.BookingConfirmed) }

func nights(b *porter.Booking) string {
	var parts []string
	for _, n := range b.NightlyPrices {
		parts = append(parts, n.Date[5:]+"="+n.Price.String())
	}
	return strings.Join(parts, " ")
}

func TestBookingPricedFromRates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newRentalFixture(t, s)
		for _, tc := range []struct {
			name                string
			unit                int64
			in, out             string
			wantNights, wantSum string
		}{
			// 07 Thu and 08 Fri: r4 (narrower than r1, newer than r2; no
			// weekday adjustment); 09-11: r3, the unit's own rate.
			{"unit rate beats property rates", 0, "2025-08-07", "2025-08-12", "08-07=130.00 08-08=130.00 08-09=90.00 08-10=90.00 08-11=90.00", "530.00"},
			// Unit 2 has no rate of its own: r1 with +20% on Friday 15 and Saturday 16.
			{"weekday adjustments", 1, "2025-08-14", "2025-08-17", "08-14=100.00 08-15=120.00 08-16=120.00", "340.00"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				unit := []int64{f.unit1, f.unit2}[tc.unit]
				b, err := f.book(t, unit, tc.in, tc.out, func(b *porter.BookingInput) { b.Fees = ptr(porter.Money(5000)); b.Taxes = ptr(porter.Money(1234)) })
				if err != nil {
					t.Fatal(err)
				}
				if got := nights(b); got != tc.wantNights {
					t.Errorf("nights = %s, want %s", got, tc.wantNights)
				}
				if b.Accommodation.String() != tc.wantSum || b.Total != b.Accommodation+5000+1234 || b.Currency != "EUR" {
					t.Errorf("accommodation %s total %s %s, want %s + 62.34 EUR", b.Accommodation, b.Total, b.Currency, tc.wantSum)
				}
				if b.Nights != int64(len(b.NightlyPrices)) || !strings.HasPrefix(b.Reference, "BKG-") || len(b.Reference) != 10 {
					t.Errorf("booking = %+v", b)
				}
			})
		}
	})
}

func TestBookingRounding(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newRentalFixture(t, s)
		ctx := context.Background()
		// 2025-09-06 is a Saturday, 09-07 a Sunday. 99.99 × 1.15 =
		// 114.9885 → 114.99; 99.99 × 0.67 = 66.9933 → 66.99.
		if _, err := f.svc.CreateRate(ctx, f.org, porter.RateInput{UnitID: &f.unit2, StartDate: ptr("2025-09-05"), EndDate: ptr("2025-09-07"),
			NightlyPrice: ptr(porter.Money(9999)), Currency: ptr("EUR"), WeekdayAdjustments: &map[string]int64{"sat": 15, "sun": -33}}); err != nil {
			t.Fatal(err)
		}
		b, err := f.book(t, f.unit2, "2025-09-05", "2025-09-08", nil)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := nights(b), "09-05=99.99 09-06=114.99 09-07=66.99"; got != want || b.Total.String() != "281.97" {
			t.Fatalf("nights = %s total %s, want %s total 281.97", got, b.Total, want)
		}
	})
}

func TestBookingPricingRefusals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newRentalFixture(t, s)
		for _, tc := range []struct {
			name, in, out string
			extra         func(*porter.BookingInput)
			code, field   string
			msg           string
		}{
			{"minimum stay of the check-in night's rate", "2025-08-14", "2025-08-15", nil, porter.EUNPROCESS, "check_out", "minimum stay is 2 nights"},
			{"nights without a rate", "2025-08-30", "2025-09-03", nil, porter.EUNPROCESS, "nightly_prices", "2025-09-01, 2025-09-02"},
			{"currency unlike the rates'", "2025-08-14", "2025-08-17", func(b *porter.BookingInput) { b.Currency = ptr("USD") }, porter.EUNPROCESS, "currency", "EUR"},
			{"no currency without rates", "2025-09-10", "2025-09-12", func(b *porter.BookingInput) { b.NightlyRate = ptr(porter.Money(8000)) }, porter.EINVALID, "currency", "required"},
			{"check-out before check-in", "2025-08-14", "2025-08-12", nil, porter.EINVALID, "check_out", "after check_in"},
			{"same-day stay", "2025-08-14", "2025-08-14", nil, porter.EINVALID, "check_out", "after check_in"},
			{"negative nightly rate", "2025-09-10", "2025-09-12", func(b *porter.BookingInput) { b.NightlyRate = ptr(porter.Money(-1)); b.Currency = ptr("EUR") }, porter.EINVALID, "nightly_rate", "negative"},
			{"negative night", "2025-09-10", "2025-09-11", func(b *porter.BookingInput) {
				b.NightlyPrices = &[]porter.Night{{Date: "2025-09-10", Price: -100}}
				b.Currency = ptr("EUR")
			}, porter.EINVALID, "nightly_prices[0].price", "negative"},
			{"a night missing", "2025-09-10", "2025-09-12", func(b *porter.BookingInput) {
				b.NightlyPrices = &[]porter.Night{{Date: "2025-09-10", Price: 100}}
				b.Currency = ptr("EUR")
			}, porter.EINVALID, "nightly_prices", "2025-09-11"},
			{"unknown currency", "2025-09-10", "2025-09-12", func(b *porter.BookingInput) { b.NightlyRate = ptr(porter.Money(8000)); b.Currency = ptr("EUX") }, porter.EINVALID, "currency", "ISO 4217"},
			{"negative fees", "2025-08-14", "2025-08-17", func(b *porter.BookingInput) { b.Fees = ptr(porter.Money(-5)) }, porter.EINVALID, "fees", "negative"},
			{"another organization's unit", "2025-08-14", "2025-08-17", func(b *porter.BookingInput) { b.UnitID = &f.otherUnt }, porter.EINVALID, "unit_id", "does not exist"},
			{"unit of another property", "2025-08-14", "2025-08-17", func(b *porter.BookingInput) { b.PropertyID = ptr(f.property + 1000) }, porter.EINVALID, "property_id", "belongs to property"},
			{"zero guests", "2025-08-14", "2025-08-17", func(b *porter.BookingInput) { b.GuestsCount = ptr(int64(0)) }, porter.EINVALID, "guests_count", "from 1"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := f.book(t, f.unit2, tc.in, tc.out, tc.extra)
				fieldMessage(t, err, tc.code, tc.field, tc.msg)
			})
		}
		l, err := f.svc.Bookings(context.Background(), f.org, porter.BookingFilter{})
		if err != nil || l.Total != 0 {
			t.Fatalf("refused bookings were written: %d, %v", l.Total, err)
		}
		// With a price, nights no rate covers are fine.
		b, err := f.book(t, f.unit2, "2025-09-10", "2025-09-12", func(b *porter.BookingInput) {
			b.NightlyPrices = &[]porter.Night{{Date: "2025-09-11", Price: 9000}, {Date: "2025-09-10", Price: 8000}}
			b.Currency = ptr("mad")
		})
		if err != nil || nights(b) != "09-10=80.00 09-11=90.00" || b.Currency != "MAD" {
			t.Fatalf("explicit nights: %v %+v", err, b)
		}
	})
}

// fieldMessage checks that err has code and names field with a message
// containing msg.
func fieldMessage(t *testing.T, err error, code, field, msg string) {
	t.Helper()
	if porter.ErrorCode(err) != code {
		t.Fatalf("err = %v (%s), want %s", err, porter.ErrorCode(err), code)
	}
	e := err.(*porter.Error)
	for _, f := range e.Fields {
		if f.Field == field && strings.Contains(f.Message, msg) {
			return
		}
	}
	t.Fatalf("err = %q %+v, want field %s with %q", e.Message, e.Fields, field, msg)
}

func TestBookingLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newRentalFixture(t, s)
		ctx := context.Background()
		b, err := f.book(t, f.unit2, "2025-08-14", "2025-08-17", nil)
		if err != nil {
			t.Fatal(err)
		}
		if b.Status != porter.BookingPending || b.PropertyID != f.property {
			t.Fatalf("booking = %+v", b)
		}
		// Only a confirmed booking checks in.
		if _, err := f.svc.CheckInBooking(ctx, f.org, b.ID); porter.ErrorCode(err) != porter.ECONFLICT {
			t.Fatalf("check in a pending booking: %v", err)
		}
		// A no-show is possible only from the check-in day (now is 2025-05-09).
		if _, err := f.svc.ConfirmBooking(ctx, f.org, b.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.NoShowBooking(ctx, f.org, b.ID); porter.ErrorCode(err) != porter.ECONFLICT || !strings.Contains(err.Error(), "2025-08-14") {
			t.Fatalf("no show before check-in day: %v", err)
		}
		p, err := f.svc.RecordBookingPayment(ctx, f.org, b.ID, porter.BookingPaymentInput{Amount: ptr(porter.Money(10000)), Method: ptr("cmi"), Reference: ptr("CMI-1")})
		if err != nil || p.Currency != "EUR" {
			t.Fatalf("payment: %v %+v", err, p)
		}
		if _, err := f.svc.RecordBookingPayment(ctx, f.org, b.ID, porter.BookingPaymentInput{Amount: ptr(porter.Money(30001))}); porter.ErrorCode(err) != porter.EUNPROCESS {
			t.Fatalf("overpayment: %v", err)
		}
		up, err := f.svc.UpdateBooking(ctx, f.org, b.ID, porter.BookingPatch{GuestsCount: ptr(int64(3)), CheckOut: ptr("2025-08-18")})
		if err != nil {
			t.Fatal(err)
		}
		// Sunday 17 is one more r1 night at 100.00.
		if up.Nights != 4 || up.Accommodation.String() != "440.00" || up.AmountPaid != 10000 {
			t.Fatalf("updated = %+v", up)
		}
		if _, err := f.svc.CheckInBooking(ctx, f.org, b.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.CancelBooking(ctx, f.org, b.ID, porter.CancelInput{Reason: ptr("late")}); porter.ErrorCode(err) != porter.ECONFLICT {
			t.Fatalf("cancel a checked-in booking: %v", err)
		}
		done, err := f.svc.CheckOutBooking(ctx, f.org, b.ID)
		if err != nil || done.Status != porter.BookingCheckedOut || done.CheckedOutAt == nil {
			t.Fatalf("check out: %v %+v", err, done)
		}
		if _, err := f.svc.UpdateBooking(ctx, f.org, b.ID, porter.BookingPatch{Notes: ptr("x")}); porter.ErrorCode(err) != porter.ECONFLICT {
			t.Fatalf("edit a checked-out booking: %v", err)
		}

		events, err := f.svc.Events(ctx, f.org, porter.EventFilter{ListParams: porter.ListParams{PerPage: 100}, Types: []string{
			"booking.created", "booking.confirmed", "booking.updated", "booking.checked_in", "booking.checked_out", "booking.payment_received"}})
		if err != nil {
			t.Fatal(err)
		}
		var types []string
		for i := len(events.Items) - 1; i >= 0; i-- {
			types = append(types, events.Items[i].Type)
		}
		if got := strings.Join(types, " "); got != "booking.created booking.confirmed booking.payment_received booking.updated booking.checked_in booking.checked_out" {
			t.Fatalf("events = %s", got)
		}
		var data struct {
			Booking map[string]any `json:"booking"`
		}
		confirmedEvent := events.Items[len(events.Items)-2]
		if err := json.Unmarshal(confirmedEvent.Data, &data); err != nil {
			t.Fatal(err)
		}
		for k, want := range map[string]any{"id": float64(b.ID), "reference": b.Reference, "status": "confirmed", "source": "airbnb",
			"check_in": "2025-08-14", "check_out": "2025-08-17", "guests_count": float64(2), "guest_name": "Karim B."} {
			if data.Booking[k] != want {
				t.Errorf("booking.confirmed data.booking.%s = %v, want %v", k, data.Booking[k], want)
			}
		}
		updated := events.Items[2]
		var prev map[string]any
		if err := json.Unmarshal(updated.PreviousAttributes, &prev); err != nil || prev["guests_count"] != float64(2) || prev["check_out"] != "2025-08-17" {
			t.Fatalf("booking.updated previous_attributes = %s", updated.PreviousAttributes)
		}
		// Cancel needs a reason, from pending.
		c, err := f.book(t, f.unit1, "2025-08-20", "2025-08-22", nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.CancelBooking(ctx, f.org, c.ID, porter.CancelInput{}); porter.ErrorCode(err) != porter.EINVALID {
			t.Fatalf("cancel without reason: %v", err)
		}
		if c, err = f.svc.CancelBooking(ctx, f.org, c.ID, porter.CancelInput{Reason: ptr("guest changed plans")}); err != nil || c.CancellationReason != "guest changed plans" {
			t.Fatalf("cancel: %v %+v", err, c)
		}
		if _, err := f.svc.Booking(ctx, f.otherOrg, c.ID); porter.ErrorCode(err) != porter.ENOTFOUND {
			t.Fatalf("another organization's booking: %v", err)
		}
	})
}

func TestNoShowFromCheckInDay(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newRentalFixture(t, s)
		b, err := f.svc.CreateBooking(context.Background(), f.org, porter.BookingInput{UnitID: &f.unit1, GuestName: ptr("G"), CheckIn: ptr("2025-05-09"),
			CheckOut: ptr("2025-05-11"), NightlyRate: ptr(porter.Money(100)), Currency: ptr("EUR"), Status: ptr("confirmed")})
		if err != nil {
			t.Fatal(err)
		}
		if b, err = f.svc.NoShowBooking(context.Background(), f.org, b.ID); err != nil || b.Status != porter.BookingNoShow {
			t.Fatalf("no show on the check-in day: %v", err)
		}
	})
}

func TestBookingOverlap(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newRentalFixture(t, s)
		ctx := context.Background()
		a, err := f.book(t, f.unit2, "2025-08-12", "2025-08-19", confirmed)
		if err != nil {
			t.Fatal(err)
		}
		// Same-day turnover on both sides.
		if _, err := f.book(t, f.unit2, "2025-08-19", "2025-08-21", confirmed); err != nil {
			t.Fatalf("check-in on the check-out day: %v", err)
		}
		if _, err := f.book(t, f.unit2, "2025-08-10", "2025-08-12", confirmed); err != nil {
			t.Fatalf("check-out on the check-in day: %v", err)
		}
		for _, tc := range []struct{ in, out string }{{"2025-08-18", "2025-08-20"}, {"2025-08-11", "2025-08-13"}, {"2025-08-13", "2025-08-14"}, {"2025-08-01", "2025-08-31"}} {
			_, err := f.book(t, f.unit2, tc.in, tc.out, confirmed)
			if porter.ErrorCode(err) != porter.ECONFLICT || !strings.Contains(err.Error(), a.Reference) && !strings.Contains(err.Error(), "booking") {
				t.Fatalf("%s→%s over a confirmed stay: %v", tc.in, tc.out, err)
			}
		}
		_, err = f.book(t, f.unit2, "2025-08-13", "2025-08-14", nil)
		if porter.ErrorCode(err) != porter.ECONFLICT || !strings.Contains(err.Error(), a.Reference) {
			t.Fatalf("a pending request over a confirmed stay: %v", err)
		}
		// Another unit is free.
		if _, err := f.book(t, f.unit1, "2025-08-13", "2025-08-16", confirmed); err != nil {
			t.Fatal(err)
		}
		// Pending requests do not hold dates: both are taken, the first
		// confirmed wins.
		p1, err := f.book(t, f.unit1, "2025-08-24", "2025-08-27", nil)
		if err != nil {
			t.Fatal(err)
		}
		p2, err := f.book(t, f.unit1, "2025-08-25", "2025-08-28", nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.ConfirmBooking(ctx, f.org, p2.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.ConfirmBooking(ctx, f.org, p1.ID); porter.ErrorCode(err) != porter.ECONFLICT || !strings.Contains(err.Error(), p2.Reference) {
			t.Fatalf("confirm over a confirmed stay: %v", err)
		}
		// A cancelled stay frees its nights.
		if _, err := f.svc.CancelBooking(ctx, f.org, p2.ID, porter.CancelInput{Reason: ptr("x")}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.ConfirmBooking(ctx, f.org, p1.ID); err != nil {
			t.Fatal(err)
		}
		// Moving a confirmed stay onto another is refused too.
		if _, err := f.svc.UpdateBooking(ctx, f.org, p1.ID, porter.BookingPatch{CheckIn: ptr("2025-08-15")}); porter.ErrorCode(err) != porter.ECONFLICT {
			t.Fatalf("move onto a confirmed stay: %v", err)
		}
	})
}

// TestBookingRace: two transactions creating overlapping confirmed stays
// on one unit at once: exactly one wins, the other is a 409, on both
// engines (PostgreSQL locks the unit row; SQLite has one writer).
func TestBookingRace(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newRentalFixture(t, s)
		for round := range 4 {
			unit := []int64{f.unit1, f.unit2}[round%2]
			in := []string{"2025-08-20", "2025-08-24"}[round/2]
			outs := [][]string{{"2025-08-23", "2025-08-24"}, {"2025-08-27", "2025-08-28"}}[round/2]
			var wg sync.WaitGroup
			errs := make([]error, 2)
			start := make(chan struct{})
			for i := range errs {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					_, errs[i] = f.svc.CreateBooking(context.Background(), f.org, porter.BookingInput{UnitID: &unit, GuestName: ptr("G"),
						CheckIn: &in, CheckOut: &outs[i], Status: ptr("confirmed")})
				}()
			}
			close(start)
			wg.Wait()
			won, lost := 0, 0
			for _, err := range errs {
				switch porter.ErrorCode(err) {
				case "":
					won++
				case porter.ECONFLICT:
					lost++
				default:
					t.Fatalf("round %d: %v", round, err)
				}
			}
			if won != 1 || lost != 1 {
				t.Fatalf("round %d: %d won, %d refused: %v", round, won, lost, errs)
			}
		}
	})
}

func TestBlocks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newRentalFixture(t, s)
		ctx := context.Background()
		a, err := f.book(t, f.unit1, "2025-08-12", "2025-08-15", confirmed)
		if err != nil {
			t.Fatal(err)
		}
		// A block's end_date is its last night: 15 (the check-out day) is free.
		k, err := f.svc.CreateBlock(ctx, f.org, porter.BlockInput{UnitID: &f.unit1, Kind: ptr("owner_stay"), StartDate: ptr("2025-08-15"), EndDate: ptr("2025-08-17"), Reason: ptr("Owner family")})
		if err != nil {
			t.Fatal(err)
		}
		if k.PropertyID != f.property {
			t.Fatalf("block = %+v", k)
		}
		_, err = f.svc.CreateBlock(ctx, f.org, porter.BlockInput{UnitID: &f.unit1, Kind: ptr("maintenance"), StartDate: ptr("2025-08-14"), EndDate: ptr("2025-08-14")})
		if porter.ErrorCode(err) != porter.ECONFLICT || !strings.Contains(err.Error(), a.Reference) {
			t.Fatalf("block over a confirmed stay: %v", err)
		}
		if _, err := f.svc.UpdateBlock(ctx, f.org, k.ID, porter.BlockInput{StartDate: ptr("2025-08-13")}); porter.ErrorCode(err) != porter.ECONFLICT {
			t.Fatalf("move a block over a confirmed stay: %v", err)
		}
		for _, in := range []string{"2025-08-17", "2025-08-16"} {
			_, err = f.book(t, f.unit1, in, "2025-08-19", nil)
			if porter.ErrorCode(err) != porter.ECONFLICT || !strings.Contains(err.Error(), "block") {
				t.Fatalf("booking from %s over a block: %v", in, err)
			}
		}
		if _, err := f.book(t, f.unit1, "2025-08-18", "2025-08-20", confirmed); err != nil {
			t.Fatalf("booking after the block: %v", err)
		}
		_, err = f.svc.CreateBlock(ctx, f.org, porter.BlockInput{UnitID: &f.unit1, Kind: ptr("party"), StartDate: ptr("2025-09-02"), EndDate: ptr("2025-09-01")})
		fieldMessage(t, err, porter.EINVALID, "end_date", "before start_date")
		_, err = f.svc.CreateBlock(ctx, f.org, porter.BlockInput{UnitID: &f.otherUnt, StartDate: ptr("2025-09-01"), EndDate: ptr("2025-09-01")})
		fieldMessage(t, err, porter.EINVALID, "unit_id", "does not exist")
		if err := f.svc.DeleteBlock(ctx, f.otherOrg, k.ID); porter.ErrorCode(err) != porter.ENOTFOUND {
			t.Fatalf("delete another organization's block: %v", err)
		}
		if err := f.svc.DeleteBlock(ctx, f.org, k.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.book(t, f.unit1, "2025-08-15", "2025-08-17", confirmed); err != nil {
			t.Fatalf("booking once the block is gone: %v", err)
		}
	})
}

func TestRateChangedEvents(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newRentalFixture(t, s)
		ctx := context.Background()
		r, err := f.svc.UpdateRate(ctx, f.org, f.r2.ID, porter.RatePatch{NightlyPrice: ptr(porter.Money(12500)), EndDate: ptr("2025-08-11")})
		if err != nil {
			t.Fatal(err)
		}
		if err := f.svc.DeleteRate(ctx, f.org, r.ID); err != nil {
			t.Fatal(err)
		}
		l, err := f.svc.Events(ctx, f.org, porter.EventFilter{ListParams: porter.ListParams{PerPage: 3}, Types: []string{"property.rate_changed"}})
		if err != nil {
			t.Fatal(err)
		}
		want := []string{ // newest first
			`"action":"deleted","rate_id":%d,"property_id":%d,"unit_id":null,"start_date":"2025-08-01","end_date":"2025-08-11","old_price":125.00,"new_price":null,"currency":"EUR"`,
			`"action":"updated","rate_id":%d,"property_id":%d,"unit_id":null,"start_date":"2025-08-01","end_date":"2025-08-11","old_price":120.00,"new_price":125.00,"currency":"EUR"`,
			`"action":"created","rate_id":%d,"property_id":%d,"unit_id":%d,"start_date":"2025-08-09","end_date":"2025-08-31","old_price":null,"new_price":90.00,"currency":"EUR"`,
		}
		args := [][]any{{r.ID, f.property}, {r.ID, f.property}, {f.r3.ID, f.property, f.unit1}}
		for i, e := range l.Items {
			if w := fmt.Sprintf(want[i], args[i]...); !strings.Contains(string(e.Data), w) {
				t.Errorf("event %d data = %s, want %s", i, e.Data, w)
			}
		}
		if !strings.Contains(string(l.Items[1].Data), `"old_range":["2025-08-01","2025-08-10"]`) || !strings.Contains(string(l.Items[1].PreviousAttributes), `"nightly_price":120.00`) {
			t.Errorf("update event = %s, previous %s", l.Items[1].Data, l.Items[1].PreviousAttributes)
		}
		for _, tc := range []struct {
			in    porter.RateInput
			field string
		}{
			{porter.RateInput{PropertyID: &f.property, StartDate: ptr("2025-08-01"), EndDate: ptr("2025-08-02"), NightlyPrice: ptr(porter.Money(-1)), Currency: ptr("EUR")}, "nightly_price"},
			{porter.RateInput{PropertyID: &f.property, StartDate: ptr("2025-08-01"), EndDate: ptr("2025-08-02"), NightlyPrice: ptr(porter.Money(1)), Currency: ptr("XYZ")}, "currency"},
			{porter.RateInput{PropertyID: &f.property, StartDate: ptr("2025-08-03"), EndDate: ptr("2025-08-02"), NightlyPrice: ptr(porter.Money(1)), Currency: ptr("EUR")}, "end_date"},
			{porter.RateInput{PropertyID: &f.property, StartDate: ptr("2025-08-01"), EndDate: ptr("2025-08-02"), NightlyPrice: ptr(porter.Money(1)), Currency: ptr("EUR"), MinStay: ptr(int64(0))}, "min_stay"},
			{porter.RateInput{PropertyID: &f.property, StartDate: ptr("2025-08-01"), EndDate: ptr("2025-08-02"), NightlyPrice: ptr(porter.Money(1)), Currency: ptr("EUR"), WeekdayAdjustments: &map[string]int64{"friday": 5}}, "weekday_adjustments"},
			{porter.RateInput{UnitID: &f.otherUnt, StartDate: ptr("2025-08-01"), EndDate: ptr("2025-08-02"), NightlyPrice: ptr(porter.Money(1)), Currency: ptr("EUR")}, "unit_id"},
			{porter.RateInput{StartDate: ptr("2025-08-01"), EndDate: ptr("2025-08-02"), NightlyPrice: ptr(porter.Money(1)), Currency: ptr("EUR")}, "property_id"},
		} {
			_, err := f.svc.CreateRate(ctx, f.org, tc.in)
			fieldMessage(t, err, porter.EINVALID, tc.field, "")
		}
		if n, _ := f.svc.Events(ctx, f.org, porter.EventFilter{Types: []string{"property.rate_changed"}}); n.Total != 6 {
			t.Fatalf("rate events = %d, want 6 (4 created, 1 updated, 1 deleted)", n.Total)
		}
	})
}

func TestCalendar(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newRentalFixture(t, s)
		ctx := context.Background()
		a, err := f.book(t, f.unit1, "2025-08-07", "2025-08-12", confirmed)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.book(t, f.unit2, "2025-08-11", "2025-08-13", nil); err != nil { // pending: not on the calendar
			t.Fatal(err)
		}
		k, err := f.svc.CreateBlock(ctx, f.org, porter.BlockInput{UnitID: &f.unit2, Kind: ptr("maintenance"), StartDate: ptr("2025-08-09"), EndDate: ptr("2025-08-10"), Reason: ptr("AC repair")})
		if err != nil {
			t.Fatal(err)
		}
		c, err := f.svc.Calendar(ctx, f.org, porter.CalendarQuery{From: "2025-08-08", To: "2025-08-12", PropertyID: f.property})
		if err != nil {
			t.Fatal(err)
		}
		got := map[int64]string{}
		for _, u := range c.Units {
			var parts []string
			for _, d := range u.Days {
				p := d.Date[8:] + ":" + d.Status
				switch {
				case d.BookingID != nil:
					p += "(" + d.Reference + ")"
				case d.BlockID != nil:
					p += "(" + d.Reason + ")"
				}
				if d.Rate != nil {
					p += "@" + d.Rate.String()
				}
				parts = append(parts, p)
			}
			got[u.UnitID] = strings.Join(parts, " ")
		}
		ref := a.Reference
		want := map[int64]string{
			f.unit1: "08:booked(" + ref + ")@130.00 09:booked(" + ref + ")@90.00 10:booked(" + ref + ")@90.00 11:booked(" + ref + ")@90.00 12:available@90.00",
			f.unit2: "08:available@130.00 09:blocked(maintenance: AC repair)@130.00 10:blocked(maintenance: AC repair)@130.00 11:available@100.00 12:available@100.00",
		}
		if len(got) != 2 || got[f.unit1] != want[f.unit1] || got[f.unit2] != want[f.unit2] {
			t.Fatalf("calendar:\n%s\n%s\nwant\n%s\n%s", got[f.unit1], got[f.unit2], want[f.unit1], want[f.unit2])
		}
		if d := c.Units[1].Days[1]; *d.BlockID != k.ID || d.Currency != "EUR" || *d.MinStay != 1 || *d.RateID != f.r4.ID {
			t.Fatalf("blocked day = %+v", d)
		}
		// Every property when property_id is left out; another
		// organization sees none of it.
		if all, err := f.svc.Calendar(ctx, f.org, porter.CalendarQuery{From: "2025-08-08", To: "2025-08-08"}); err != nil || len(all.Units) != 2 {
			t.Fatalf("all units: %v %+v", err, all)
		}
		if other, err := f.svc.Calendar(ctx, f.otherOrg, porter.CalendarQuery{From: "2025-08-08", To: "2025-08-08"}); err != nil || len(other.Units) != 1 || other.Units[0].Days[0].Status != "available" {
			t.Fatalf("other organization: %v %+v", err, other)
		}
		_, err = f.svc.Calendar(ctx, f.org, porter.CalendarQuery{From: "2025-01-01", To: "2026-01-02"})
		fieldMessage(t, err, porter.EINVALID, "to", "366 days")
		_, err = f.svc.Calendar(ctx, f.org, porter.CalendarQuery{From: "2025-01-01", To: "2025-13-01"})
		fieldMessage(t, err, porter.EINVALID, "to", "ISO date")
		_, err = f.svc.Calendar(ctx, f.otherOrg, porter.CalendarQuery{From: "2025-01-01", To: "2025-01-02", PropertyID: f.property})
		fieldMessage(t, err, porter.EINVALID, "property_id", "does not exist")
	})
}
