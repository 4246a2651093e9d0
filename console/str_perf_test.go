package console_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"porter"
)

// strPerf is what seedSTR made for the short-term-rental pages.
type strPerf struct {
	booking, rate, owner, invoice, review int64
}

// seedSTR adds n bookings (on five units, with a payment each), n seasonal
// rates, n owners (the first owns the property), n invoices with two
// lines, n reviews and n blocks to the perf site's organization.
func seedSTR(tb testing.TB, p *perfSite, n int) strPerf {
	tb.Helper()
	ctx := context.Background()
	svc, org := p.svc, p.org
	var out strPerf
	var units []int64
	for i := range 5 {
		u, err := svc.CreateUnit(ctx, org, porter.UnitInput{PropertyID: &p.property, Name: ptr(fmt.Sprintf("Villa %d", i+1))})
		mustTB(tb, err)
		units = append(units, u.ID)
	}
	start := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		in := start.AddDate(0, 0, (i/5)*3)
		price, paid := porter.Money(12000), porter.Money(5000)
		b, err := svc.CreateBooking(ctx, org, porter.BookingInput{UnitID: &units[i%5], GuestName: ptr(fmt.Sprintf("Guest %d", i)),
			CheckIn: ptr(in.Format(porter.DateLayout)), CheckOut: ptr(in.AddDate(0, 0, 2).Format(porter.DateLayout)),
			NightlyRate: &price, Currency: ptr("EUR"), Status: ptr(porter.BookingConfirmed)})
		mustTB(tb, err)
		_, err = svc.RecordBookingPayment(ctx, org, b.ID, porter.BookingPaymentInput{Amount: &paid})
		mustTB(tb, err)
		day := start.AddDate(1, 0, i).Format(porter.DateLayout)
		_, err = svc.CreateBlock(ctx, org, porter.BlockInput{UnitID: &units[i%5], Kind: ptr("maintenance"), StartDate: &day, EndDate: &day, Reason: ptr("Paint")})
		mustTB(tb, err)
		rt, err := svc.CreateRate(ctx, org, porter.RateInput{PropertyID: &p.property, Name: ptr(fmt.Sprintf("Week %d", i)),
			StartDate: ptr(start.AddDate(0, 0, 7*i).Format(porter.DateLayout)), EndDate: ptr(start.AddDate(0, 0, 7*i+6).Format(porter.DateLayout)),
			NightlyPrice: &price, Currency: ptr("EUR")})
		mustTB(tb, err)
		o, err := svc.CreateOwner(ctx, org, porter.OwnerInput{Name: ptr(fmt.Sprintf("Owner %d", i))})
		mustTB(tb, err)
		if i == 0 {
			rate := porter.Percent(2000)
			_, err = svc.LinkProperty(ctx, org, o.ID, porter.OwnershipInput{PropertyID: &p.property, CommissionRate: &rate})
			mustTB(tb, err)
		}
		inv, err := svc.CreateInvoice(ctx, org, porter.InvoiceInput{OwnerID: &o.ID, Currency: ptr("EUR"),
			Lines: &[]porter.InvoiceLineInput{{Description: "Stay", UnitPrice: &price}, {Description: "Cleaning", UnitPrice: &paid}}})
		mustTB(tb, err)
		rv, _, err := svc.ReceiveReview(ctx, org, porter.ReviewInput{Source: ptr("airbnb"), ExternalID: ptr(fmt.Sprintf("r%d", i)),
			Rating: ptr(1 + i%5), Text: ptr("Lovely"), AuthorName: ptr("Guest"), BookingID: &b.ID})
		mustTB(tb, err)
		out = strPerf{booking: b.ID, rate: rt.ID, owner: o.ID, invoice: inv.ID, review: rv.ID}
	}
	seedSTR2(tb, p, n)
	return out
}

// strPerfPaths are the short-term-rental list and record pages, for
// perfPaths.
func strPerfPaths(tb testing.TB, p *perfSite) []string {
	tb.Helper()
	ctx := context.Background()
	lp := porter.ListParams{Page: 1, PerPage: 1}
	bk, err := p.svc.Bookings(ctx, p.org, porter.BookingFilter{ListParams: lp})
	mustTB(tb, err)
	rt, err := p.svc.Rates(ctx, p.org, porter.RateFilter{ListParams: lp})
	mustTB(tb, err)
	ow, err := p.svc.Owners(ctx, p.org, porter.OwnerFilter{ListParams: lp})
	mustTB(tb, err)
	inv, err := p.svc.Invoices(ctx, p.org, porter.InvoiceFilter{ListParams: lp})
	mustTB(tb, err)
	rv, err := p.svc.Reviews(ctx, p.org, porter.ReviewFilter{ListParams: lp})
	mustTB(tb, err)
	if len(bk.Items) == 0 || len(rt.Items) == 0 || len(ow.Items) == 0 || len(inv.Items) == 0 || len(rv.Items) == 0 {
		tb.Fatal("no short-term-rental records seeded")
	}
	id := func(n int64) string { return fmt.Sprint(n) }
	paths := []string{"/bookings", "/bookings/" + id(bk.Items[0].ID), "/calendar?month=2026-06", "/rates", "/rates/" + id(rt.Items[0].ID),
		"/owners", "/owners/" + id(ow.Items[0].ID), "/invoices", "/invoices/" + id(inv.Items[0].ID), "/reviews", "/reviews/" + id(rv.Items[0].ID),
		"/settings/audit-log"}
	return append(paths, str2PerfPaths(tb, p)...)
}

// seedRentals adds holiday villas to the screenshots' portfolio: a
// property of three units with a seasonal rate, stays this month in each
// status, and a maintenance block.
func seedRentals(t *testing.T, s *site) {
	t.Helper()
	ctx := context.Background()
	svc, org := s.svc, s.org
	p, err := svc.CreateProperty(ctx, org, porter.PropertyInput{Name: ptr("Seaside Villas"), City: ptr("Springfield"), Country: ptr("US")})
	must(t, err)
	var units []int64
	for _, name := range []string{"Villa Azur", "Villa Coral", "Villa Dune"} {
		u, err := svc.CreateUnit(ctx, org, porter.UnitInput{PropertyID: &p.ID, Name: ptr(name)})
		must(t, err)
		units = append(units, u.ID)
	}
	price := porter.Money(18500)
	_, err = svc.CreateRate(ctx, org, porter.RateInput{PropertyID: &p.ID, Name: ptr("Late spring"), StartDate: ptr("2026-05-01"),
		EndDate: ptr("2026-06-30"), NightlyPrice: &price, Currency: ptr("USD"), WeekdayAdjustments: &map[string]int64{"fri": 20, "sat": 20}})
	must(t, err)
	for i, b := range []struct {
		unit              int
		guest, in, out    string
		source, status    string
		checkIn, checkOut bool
	}{
		{0, "Lena Fischer", "2026-05-02", "2026-05-06", "airbnb", porter.BookingConfirmed, true, true},
		{0, "Marco Rossi", "2026-05-08", "2026-05-13", "booking", porter.BookingConfirmed, true, false},
		{0, "Aiko Tanaka", "2026-05-20", "2026-05-27", "direct", porter.BookingConfirmed, false, false},
		{1, "Noah Williams", "2026-05-09", "2026-05-11", "vrbo", porter.BookingConfirmed, true, false},
		{1, "Sofia García", "2026-05-15", "2026-05-22", "airbnb", porter.BookingPending, false, false},
		{2, "Olivia Brown", "2026-05-23", "2026-05-30", "direct", porter.BookingConfirmed, false, false},
	} {
		bk, err := svc.CreateBooking(ctx, org, porter.BookingInput{UnitID: &units[b.unit], GuestName: ptr(b.guest), CheckIn: ptr(b.in),
			CheckOut: ptr(b.out), Source: ptr(b.source), Status: ptr(b.status), GuestsCount: ptr(int64(2 + i%3))})
		must(t, err)
		if b.checkIn {
			_, err = svc.CheckInBooking(ctx, org, bk.ID)
			must(t, err)
		}
		if b.checkOut {
			_, err = svc.CheckOutBooking(ctx, org, bk.ID)
			must(t, err)
		}
	}
	_, err = svc.CreateBlock(ctx, org, porter.BlockInput{UnitID: &units[2], Kind: ptr("maintenance"), StartDate: ptr("2026-05-04"),
		EndDate: ptr("2026-05-07"), Reason: ptr("Pool repair")})
	must(t, err)
}
