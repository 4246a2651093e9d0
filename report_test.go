package porter_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"porter"
	"porter/storetest"
)

// seedReport is seed 003's revenue example, worked out by hand: ten units
// over July 2026 (310 unit-nights), 186 nights booked for 142,500 MAD,
// every property owned at 10 % commission.
//
//	property A: units 1-6, property B: units 7-10
//	every unit   07-01→07-19  18 nights at 750 (unit 1: 07-03→07-19, 16 nights)
//	unit 1       06-28→07-03  1000/night: only 07-01 and 07-02 count (2)
//	unit 2       its 07-10 night at 1750 instead of 750
//	unit 9       07-30→08-01  900 + 1100 (2)
//	unit 10      07-28→08-02  1000/night: 07-28…07-31 count (4)
//	nights: 10×18 + 2 + 2 + 4 = 186; revenue 186×750 + 500 + 1000 + 500 + 1000 = 142,500
//	A: 108 nights, 82,500 (ADR 763.89, RevPAR 82,500/186 = 443.55)
//	B:  78 nights, 60,000 (ADR 769.23, RevPAR 60,000/124 = 483.87)
//
// None of these count: a pending, a cancelled and a no-show booking, and
// another organization's stay over the whole month.
type seedReport struct {
	svc    *porter.Service
	org    int64
	a, b   int64
	units  []int64
	owner  int64
	other  int64
	otherP int64
}

func newSeedReport(t *testing.T, s porter.Store) *seedReport {
	t.Helper()
	ctx := context.Background()
	svc, org := newService(t, s)
	svc.Now = func() time.Time { return time.Date(2026, 7, 21, 10, 0, 0, 0, time.UTC) }
	f := &seedReport{svc: svc, org: org}
	for i, name := range []string{"Riad A", "Villa B"} {
		p, err := svc.CreateProperty(ctx, org, porter.PropertyInput{Name: ptr(name)})
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			f.a = p.ID
		} else {
			f.b = p.ID
		}
	}
	for i := range 10 {
		p := f.a
		if i >= 6 {
			p = f.b
		}
		u, err := svc.CreateUnit(ctx, org, porter.UnitInput{PropertyID: &p, Name: ptr("Room")})
		if err != nil {
			t.Fatal(err)
		}
		f.units = append(f.units, u.ID)
	}
	owner, err := svc.CreateOwner(ctx, org, porter.OwnerInput{Name: ptr("Amina")})
	if err != nil {
		t.Fatal(err)
	}
	f.owner = owner.ID
	for _, p := range []int64{f.a, f.b} {
		if _, err := svc.LinkProperty(ctx, org, owner.ID, porter.OwnershipInput{PropertyID: &p, CommissionRate: pct("10"), StartDate: ptr("2026-01-01")}); err != nil {
			t.Fatal(err)
		}
	}
	book := func(org, unit int64, in, out, status string, rate string, prices []porter.Night) *porter.Booking {
		t.Helper()
		b := porter.BookingInput{UnitID: &unit, GuestName: ptr("Karim B."), GuestsCount: ptr(int64(2)), CheckIn: &in, CheckOut: &out,
			Source: ptr("airbnb"), Currency: ptr("MAD"), Status: &status}
		if prices != nil {
			b.NightlyPrices = &prices
		} else {
			b.NightlyRate = money(rate)
		}
		bk, err := svc.CreateBooking(ctx, org, b)
		if err != nil {
			t.Fatalf("book unit %d %s→%s: %v", unit, in, out, err)
		}
		return bk
	}
	const c = porter.BookingConfirmed
	book(org, f.units[0], "2026-06-28", "2026-07-03", c, "1000", nil)
	book(org, f.units[0], "2026-07-03", "2026-07-19", c, "750", nil)
	var unit2 []porter.Night
	for d := time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC); d.Day() < 19; d = d.AddDate(0, 0, 1) {
		p := porter.Money(75000)
		if d.Day() == 10 {
			p = 175000
		}
		unit2 = append(unit2, porter.Night{Date: d.Format(porter.DateLayout), Price: p})
	}
	book(org, f.units[1], "2026-07-01", "2026-07-19", c, "", unit2)
	var unit8 *porter.Booking
	for i, u := range f.units[2:] {
		b := book(org, u, "2026-07-01", "2026-07-19", c, "750", nil)
		if i+2 == 7 {
			unit8 = b
		}
	}
	book(org, f.units[8], "2026-07-30", "2026-08-01", c, "", []porter.Night{{Date: "2026-07-30", Price: 90000}, {Date: "2026-07-31", Price: 110000}})
	book(org, f.units[9], "2026-07-28", "2026-08-02", c, "1000", nil)
	// A stay checked in and out counts like a confirmed one.
	if _, err := svc.CheckInBooking(ctx, org, unit8.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CheckOutBooking(ctx, org, unit8.ID); err != nil {
		t.Fatal(err)
	}

	// What does not count.
	book(org, f.units[0], "2026-07-20", "2026-07-25", porter.BookingPending, "5000", nil)
	cancelled := book(org, f.units[1], "2026-07-20", "2026-07-25", c, "5000", nil)
	if _, err := svc.CancelBooking(ctx, org, cancelled.ID, porter.CancelInput{Reason: ptr("changed plans")}); err != nil {
		t.Fatal(err)
	}
	noShow := book(org, f.units[2], "2026-07-20", "2026-07-25", c, "5000", nil)
	if _, err := svc.NoShowBooking(ctx, org, noShow.ID); err != nil {
		t.Fatal(err)
	}
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
	book(otherOrg.ID, ou.ID, "2026-07-01", "2026-08-01", c, "9999", nil)
	f.other, f.otherP = otherOrg.ID, op.ID
	return f
}

// TestRevenueReportSeedExample reproduces seed 003's example exactly.
func TestRevenueReportSeedExample(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		ctx := context.Background()
		f := newSeedReport(t, s)
		r, err := f.svc.RevenueReport(ctx, f.org, porter.ReportQuery{From: "2026-07-01", To: "2026-07-31", Granularity: "day"})
		if err != nil {
			t.Fatal(err)
		}
		got, _ := json.Marshal(r.Data.Global)
		if want := `{"gross_revenue":142500.00,"net_revenue":128250.00,"nights_booked":186,"adr":766.13,"revpar":459.68}`; string(got) != want {
			t.Fatalf("global\n got %s\nwant %s", got, want)
		}
		if r.From != "2026-07-01" || r.To != "2026-07-31" || r.Currency == nil || *r.Currency != "MAD" {
			t.Fatalf("report %s %s %v", r.From, r.To, r.Currency)
		}
		props, _ := json.Marshal(r.Data.PerProperty)
		if want := `[{"property_id":` + itoa(f.a) + `,"property_name":"Riad A","gross_revenue":82500.00,"net_revenue":74250.00,"nights_booked":108,"adr":763.89,"revpar":443.55},` +
			`{"property_id":` + itoa(f.b) + `,"property_name":"Villa B","gross_revenue":60000.00,"net_revenue":54000.00,"nights_booked":78,"adr":769.23,"revpar":483.87}]`; string(props) != want {
			t.Fatalf("per property\n got %s\nwant %s", props, want)
		}
		if len(r.Data.Series) != 31 {
			t.Fatalf("%d days", len(r.Data.Series))
		}
		// July 1: unit 1 at 1000, units 2-10 at 750; July 31: 1000 + 1100.
		first, _ := json.Marshal(r.Data.Series[0])
		if want := `{"period":"2026-07-01","from":"2026-07-01","to":"2026-07-01","gross_revenue":7750.00,"net_revenue":6975.00,"nights_booked":10,"adr":775.00,"revpar":775.00}`; string(first) != want {
			t.Fatalf("July 1\n got %s\nwant %s", first, want)
		}
		lastDay, _ := json.Marshal(r.Data.Series[30])
		if want := `{"period":"2026-07-31","from":"2026-07-31","to":"2026-07-31","gross_revenue":2100.00,"net_revenue":1890.00,"nights_booked":2,"adr":1050.00,"revpar":210.00}`; string(lastDay) != want {
			t.Fatalf("July 31\n got %s\nwant %s", lastDay, want)
		}
		var sum porter.Money
		var n int64
		for _, p := range r.Data.Series {
			sum, n = sum+p.GrossRevenue, n+p.NightsBooked
		}
		if sum != 14250000 || n != 186 {
			t.Fatalf("series add up to %s over %d nights", sum, n)
		}

		// Weeks are ISO weeks clipped to the range; the month is one entry.
		w, err := f.svc.RevenueReport(ctx, f.org, porter.ReportQuery{From: "2026-07-01", To: "2026-07-31", Granularity: "week"})
		if err != nil {
			t.Fatal(err)
		}
		if len(w.Data.Series) != 5 || w.Data.Series[0].Period != "2026-W27" || w.Data.Series[0].To != "2026-07-05" ||
			w.Data.Series[4].Period != "2026-W31" || w.Data.Series[4].From != "2026-07-27" || w.Data.Series[4].To != "2026-07-31" {
			t.Fatalf("weeks %+v", w.Data.Series)
		}
		m, err := f.svc.RevenueReport(ctx, f.org, porter.ReportQuery{From: "2026-07-01", To: "2026-07-31", Granularity: "month"})
		if err != nil {
			t.Fatal(err)
		}
		if len(m.Data.Series) != 1 || m.Data.Series[0].Period != "2026-07" || m.Data.Series[0].RevenueFigures != r.Data.Global {
			t.Fatalf("month %+v", m.Data.Series)
		}

		// One property; the other organization sees only its own stay.
		pa, err := f.svc.RevenueReport(ctx, f.org, porter.ReportQuery{From: "2026-07-01", To: "2026-07-31", PropertyID: f.a})
		if err != nil || len(pa.Data.PerProperty) != 1 || pa.Data.Global != r.Data.PerProperty[0].RevenueFigures {
			t.Fatalf("property A: %v %+v", err, pa)
		}
		o, err := f.svc.RevenueReport(ctx, f.other, porter.ReportQuery{From: "2026-07-01", To: "2026-07-31"})
		if err != nil || o.Data.Global.NightsBooked != 31 || o.Data.Global.GrossRevenue != 31*999900 || o.Data.Global.NetRevenue != o.Data.Global.GrossRevenue {
			t.Fatalf("other org: %v %+v", err, o.Data.Global)
		}
		if _, err := f.svc.RevenueReport(ctx, f.other, porter.ReportQuery{From: "2026-07-01", To: "2026-07-31", PropertyID: f.a}); porter.ErrorCode(err) != porter.EINVALID {
			t.Fatalf("another org's property: %v", err)
		}
	})
}

// TestOccupancyReport: blocked nights leave the available ones.
func TestOccupancyReport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		ctx := context.Background()
		f := newSeedReport(t, s)
		// Unit 4 is closed from 07-25 to 07-29 (5 nights).
		if _, err := f.svc.CreateBlock(ctx, f.org, porter.BlockInput{UnitID: &f.units[3], Kind: ptr("maintenance"), StartDate: ptr("2026-07-25"), EndDate: ptr("2026-07-29")}); err != nil {
			t.Fatal(err)
		}
		r, err := f.svc.OccupancyReport(ctx, f.org, porter.ReportQuery{From: "2026-07-01", To: "2026-07-31", Granularity: "month"})
		if err != nil {
			t.Fatal(err)
		}
		got, _ := json.Marshal(r.Data.Global)
		// 186 / 305 = 0.609836…
		if want := `{"unit_nights":310,"nights_blocked":5,"nights_available":305,"nights_booked":186,"occupancy":0.6098}`; string(got) != want {
			t.Fatalf("global\n got %s\nwant %s", got, want)
		}
		a, _ := json.Marshal(r.Data.PerProperty[0])
		// 108 / 181 = 0.596685…
		if want := `{"property_id":` + itoa(f.a) + `,"property_name":"Riad A","unit_nights":186,"nights_blocked":5,"nights_available":181,"nights_booked":108,"occupancy":0.5967}`; string(a) != want {
			t.Fatalf("A\n got %s\nwant %s", a, want)
		}
		d, err := f.svc.OccupancyReport(ctx, f.org, porter.ReportQuery{From: "2026-07-01", To: "2026-07-31"})
		if err != nil || len(d.Data.Series) != 31 {
			t.Fatal(err)
		}
		if g := d.Data.Series[0].OccupancyFigures; g.NightsBooked != 10 || g.Occupancy != 1 {
			t.Fatalf("July 1 %+v", g)
		}
		// July 25: unit 4 blocked, unit 10 free: 0 of 9.
		if g := d.Data.Series[24].OccupancyFigures; g.NightsBlocked != 1 || g.NightsAvailable != 9 || g.NightsBooked != 0 || g.Occupancy != 0 {
			t.Fatalf("July 25 %+v", g)
		}
		// The revenue report's RevPAR follows: 142,500 / 305 = 467.213…
		rev, err := f.svc.RevenueReport(ctx, f.org, porter.ReportQuery{From: "2026-07-01", To: "2026-07-31"})
		if err != nil || rev.Data.Global.RevPAR.String() != "467.21" {
			t.Fatalf("revpar %v %+v", err, rev.Data.Global)
		}
	})
}

// TestRevenueReportRules: owners change in the range (and none owns it
// some nights), ADR rounds half up, currencies are never mixed.
func TestRevenueReportRules(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		ctx := context.Background()
		svc, org := newService(t, s)
		p, _ := svc.CreateProperty(ctx, org, porter.PropertyInput{Name: ptr("P")})
		u, _ := svc.CreateUnit(ctx, org, porter.UnitInput{PropertyID: &p.ID, Name: ptr("1")})
		x, _ := svc.CreateOwner(ctx, org, porter.OwnerInput{Name: ptr("X")})
		y, _ := svc.CreateOwner(ctx, org, porter.OwnerInput{Name: ptr("Y")})
		if _, err := svc.LinkProperty(ctx, org, x.ID, porter.OwnershipInput{PropertyID: &p.ID, CommissionRate: pct("20"), StartDate: ptr("2026-01-01"), EndDate: ptr("2026-03-15")}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.LinkProperty(ctx, org, y.ID, porter.OwnershipInput{PropertyID: &p.ID, CommissionRate: pct("10"), StartDate: ptr("2026-03-20")}); err != nil {
			t.Fatal(err)
		}
		ns := []porter.Night{{Date: "2026-03-14", Price: 10000}, {Date: "2026-03-15", Price: 10011}}
		for _, d := range []string{"2026-03-16", "2026-03-17", "2026-03-18", "2026-03-19", "2026-03-21"} {
			ns = append(ns, porter.Night{Date: d, Price: 10000})
		}
		ns = append(ns, porter.Night{Date: "2026-03-20", Price: 20000})
		if _, err := svc.CreateBooking(ctx, org, porter.BookingInput{UnitID: &u.ID, GuestName: ptr("G"), CheckIn: ptr("2026-03-14"), CheckOut: ptr("2026-03-22"),
			NightlyPrices: &ns, Currency: ptr("EUR"), Status: ptr("confirmed")}); err != nil {
			t.Fatal(err)
		}
		// Nights 03-15…03-20: 100.11 (X, 20 %) + 4 × 100 (no owner) + 200
		// (Y, 10 %) = 700.11; commission 20.022 + 20 = 40.02; ADR and
		// RevPAR 700.11 / 6 = 116.685 → 116.69 (half up, where a float
		// gives 116.68).
		r, err := svc.RevenueReport(ctx, org, porter.ReportQuery{From: "2026-03-15", To: "2026-03-20", Granularity: "week"})
		if err != nil {
			t.Fatal(err)
		}
		got, _ := json.Marshal(r.Data.Global)
		if want := `{"gross_revenue":700.11,"net_revenue":660.09,"nights_booked":6,"adr":116.69,"revpar":116.69}`; string(got) != want {
			t.Fatalf("global\n got %s\nwant %s", got, want)
		}
		// 2026-03-15 is a Sunday: week 11 holds one night, week 12 five.
		if len(r.Data.Series) != 2 || r.Data.Series[0].Period != "2026-W11" || r.Data.Series[0].NightsBooked != 1 || r.Data.Series[1].NightsBooked != 5 {
			t.Fatalf("series %+v", r.Data.Series)
		}

		// A stay in another currency on another property.
		q, _ := svc.CreateProperty(ctx, org, porter.PropertyInput{Name: ptr("Q")})
		qu, _ := svc.CreateUnit(ctx, org, porter.UnitInput{PropertyID: &q.ID, Name: ptr("1")})
		if _, err := svc.CreateBooking(ctx, org, porter.BookingInput{UnitID: &qu.ID, GuestName: ptr("G"), CheckIn: ptr("2026-03-18"), CheckOut: ptr("2026-03-19"),
			NightlyRate: money("80"), Currency: ptr("USD"), Status: ptr("confirmed")}); err != nil {
			t.Fatal(err)
		}
		_, err = svc.RevenueReport(ctx, org, porter.ReportQuery{From: "2026-03-15", To: "2026-03-20"})
		fieldMessage(t, err, porter.EUNPROCESS, "currency", "EUR, USD")
		usd, err := svc.RevenueReport(ctx, org, porter.ReportQuery{From: "2026-03-15", To: "2026-03-20", Currency: "usd"})
		if err != nil || *usd.Currency != "USD" || usd.Data.Global.GrossRevenue != 8000 || usd.Data.Global.NightsBooked != 1 || usd.Data.Global.RevPAR.String() != "6.67" {
			t.Fatalf("usd: %v %+v", err, usd)
		}
		eur, err := svc.RevenueReport(ctx, org, porter.ReportQuery{From: "2026-03-15", To: "2026-03-20", PropertyID: p.ID})
		if err != nil || *eur.Currency != "EUR" || eur.Data.Global.GrossRevenue != 70011 {
			t.Fatalf("eur: %v %+v", err, eur)
		}
		// Occupancy counts every stay, whatever its currency.
		occ, err := svc.OccupancyReport(ctx, org, porter.ReportQuery{From: "2026-03-15", To: "2026-03-20"})
		if err != nil || occ.Data.Global.NightsBooked != 7 || occ.Data.Global.NightsAvailable != 12 || occ.Data.Global.Occupancy.String() != "0.5833" {
			t.Fatalf("occupancy: %v %+v", err, occ)
		}
		// Nothing booked: null currency, zero KPIs.
		empty, err := svc.RevenueReport(ctx, org, porter.ReportQuery{From: "2027-01-01", To: "2027-01-31", Granularity: "month"})
		if err != nil || empty.Currency != nil || empty.Data.Global != (porter.RevenueFigures{}) || len(empty.Data.PerProperty) != 2 {
			t.Fatalf("empty: %v %+v", err, empty)
		}
	})
}

// TestReportRefusals: bad input is a 400 naming the field.
func TestReportRefusals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		svc, org := newService(t, s)
		for _, c := range []struct {
			q     porter.ReportQuery
			field string
		}{
			{porter.ReportQuery{To: "2026-07-31"}, "from"},
			{porter.ReportQuery{From: "2026-07-01"}, "to"},
			{porter.ReportQuery{From: "2026-02-30", To: "2026-03-31"}, "from"},
			{porter.ReportQuery{From: "2026-08-01", To: "2026-07-31"}, "to"},
			{porter.ReportQuery{From: "2024-01-01", To: "2026-12-31"}, "to"},
			{porter.ReportQuery{From: "2026-07-01", To: "2026-07-31", Granularity: "year"}, "granularity"},
			{porter.ReportQuery{From: "2026-07-01", To: "2026-07-31", PropertyID: 99999}, "property_id"},
			{porter.ReportQuery{From: "2026-07-01", To: "2026-07-31", Currency: "EURO"}, "currency"},
		} {
			_, err := svc.RevenueReport(context.Background(), org, c.q)
			var pe *porter.Error
			if porter.ErrorCode(err) != porter.EINVALID || !asError(err, &pe) || pe.Fields[0].Field != c.field {
				t.Errorf("%+v: %v, want a 400 naming %s", c.q, err, c.field)
			}
		}
		if _, err := svc.OccupancyReport(context.Background(), org, porter.ReportQuery{From: "2026-07-01", To: "2026-07-31", Granularity: "hour"}); porter.ErrorCode(err) != porter.EINVALID {
			t.Errorf("occupancy granularity: %v", err)
		}
		// The longest range: two years, a leap day included.
		if _, err := svc.RevenueReport(context.Background(), org, porter.ReportQuery{From: "2027-03-01", To: "2029-02-28", Granularity: "month"}); err != nil {
			t.Errorf("two years: %v", err)
		}
	})
}
