package porter_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"porter"
	"porter/storetest"
)

// statementFixture: Villa Sol, owned by Amina since 2025-01-01 at 17.5 %
// commission, a 50.00 monthly management fee and 35.00 per checkout.
// Its stays and a work order make the April 2025 statement below.
type statementFixture struct {
	svc      *porter.Service
	org      int64
	owner    int64
	property int64
	clock    *time.Time
}

func newStatementFixture(t *testing.T, s porter.Store) *statementFixture {
	t.Helper()
	ctx := context.Background()
	svc, org := newService(t, s)
	clock := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	svc.Now = func() time.Time { return clock }
	f := &statementFixture{svc: svc, org: org, clock: &clock}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	p, err := svc.CreateProperty(ctx, org, porter.PropertyInput{Name: ptr("Villa Sol")})
	must(err)
	f.property = p.ID
	u, err := svc.CreateUnit(ctx, org, porter.UnitInput{PropertyID: &p.ID, Name: ptr("Main house")})
	must(err)
	o, err := svc.CreateOwner(ctx, org, porter.OwnerInput{Name: ptr("Amina El Fassi")})
	must(err)
	f.owner = o.ID
	_, err = svc.LinkProperty(ctx, org, o.ID, porter.OwnershipInput{PropertyID: &p.ID, CommissionRate: pct("17.5"),
		ManagementFee: money("50"), CleaningFee: money("35"), StartDate: ptr("2025-01-01")})
	must(err)
	book := func(in, out string, guests int64, nightly ...string) *porter.Booking {
		t.Helper()
		bin := porter.BookingInput{PropertyID: &p.ID, UnitID: &u.ID, GuestName: ptr("Guest " + in), CheckIn: ptr(in), CheckOut: ptr(out),
			Currency: ptr("EUR"), Status: ptr("confirmed"), Source: ptr("direct"), GuestsCount: &guests}
		if len(nightly) == 1 {
			bin.NightlyRate = money(nightly[0])
		} else {
			var nights []porter.Night
			d, _ := time.Parse(porter.DateLayout, in)
			for _, n := range nightly {
				nights = append(nights, porter.Night{Date: d.Format(porter.DateLayout), Price: *money(n)})
				d = d.AddDate(0, 0, 1)
			}
			bin.NightlyPrices = &nights
		}
		b, err := svc.CreateBooking(ctx, org, bin)
		must(err)
		return b
	}
	// A: 29 March to 3 April at 100.00 a night for 2 guests: three nights
	// in March, two in April; it checks out on 3 April.
	a := book("2025-03-29", "2025-04-03", 2, "100")
	// B: 10 to 13 April for 3 guests, priced night by night (350.32),
	// confirmed.
	book("2025-04-10", "2025-04-13", 3, "120", "130.33", "99.99")
	// C: cancelled, never counted.
	c := book("2025-04-20", "2025-04-22", 4, "500")
	_, err = svc.CancelBooking(ctx, org, c.ID, porter.CancelInput{Reason: ptr("plans changed")})
	must(err)
	clock = time.Date(2025, 3, 29, 15, 0, 0, 0, time.UTC)
	_, err = svc.CheckInBooking(ctx, org, a.ID)
	must(err)
	clock = time.Date(2025, 4, 3, 10, 0, 0, 0, time.UTC)
	_, err = svc.CheckOutBooking(ctx, org, a.ID)
	must(err)
	// A repair completed on 15 April for 80.00 is charged to April.
	workOrder := func(cost string) {
		w, err := svc.CreateWorkOrder(ctx, org, porter.WorkOrderInput{PropertyID: &p.ID, Title: ptr("Boiler"), Description: ptr("No hot water")})
		must(err)
		_, err = svc.AssignWorkOrder(ctx, org, w.ID, porter.WorkOrderAssignment{AssignedTo: ptr("Bob")})
		must(err)
		_, err = svc.StartWorkOrder(ctx, org, w.ID)
		must(err)
		_, err = svc.CompleteWorkOrder(ctx, org, w.ID, porter.WorkOrderCompletion{Cost: money(cost)})
		must(err)
	}
	clock = time.Date(2025, 4, 15, 11, 0, 0, 0, time.UTC)
	workOrder("80")
	// One completed on 2 May belongs to May's statement.
	clock = time.Date(2025, 5, 2, 11, 0, 0, 0, time.UTC)
	workOrder("999")
	clock = time.Date(2025, 5, 9, 14, 30, 0, 0, time.UTC)
	return f
}

// TestOwnerStatementFigures checks April and March 2025 by hand.
func TestOwnerStatementFigures(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		ctx := context.Background()
		f := newStatementFixture(t, s)
		if err := f.svc.RunStatementPass(ctx, f.svc.Now()); err != nil {
			t.Fatal(err)
		}
		list, err := f.svc.Statements(ctx, f.org, porter.StatementFilter{OwnerID: f.owner, Month: "2025-04"})
		if err != nil || len(list.Items) != 1 {
			t.Fatalf("April statements: %v %+v", err, list)
		}
		st := list.Items[0]
		// Gross: A's 1 and 2 April (2 × 100.00) + B's 120.00 + 130.33 +
		// 99.99 = 550.32 over 5 nights; C is cancelled.
		// Commission: 17.5 % of 550.32 = 96.306 → 96.31.
		// Fees: management 50.00 + one checkout (A, 3 April) × 35.00 = 85.00.
		// Expenses: the 80.00 repair of 15 April (not the 2 May one).
		// Net: 550.32 − 96.31 − 85.00 − 80.00 = 289.01.
		want := map[string]porter.Money{"gross": 55032, "commission": 9631, "fees": 8500, "expenses": 8000, "net": 28901}
		got := map[string]porter.Money{"gross": st.Gross, "commission": st.Commission, "fees": st.Fees, "expenses": st.Expenses, "net": st.Net}
		for k := range want {
			if got[k] != want[k] {
				t.Errorf("April %s = %s, want %s", k, got[k], want[k])
			}
		}
		if st.Nights != 5 || st.Currency != "EUR" || st.OwnerName != "Amina El Fassi" || len(st.Lines) != 1 {
			t.Fatalf("April statement %+v", st)
		}
		if l := st.Lines[0]; l.PropertyName != "Villa Sol" || l.From != "2025-04-01" || l.To != "2025-04-30" || l.Checkouts != 1 ||
			l.ManagementFee != 5000 || l.CleaningFees != 3500 || len(l.WorkOrderIDs) != 1 || len(l.BookingIDs) != 2 {
			t.Fatalf("April line %+v", l)
		}
		// March on demand: A's three nights, 300.00; commission 52.50;
		// management fee 50.00; no checkout, no expense: net 197.50.
		sts, created, err := f.svc.GenerateStatements(ctx, f.org, f.owner, porter.StatementInput{Month: ptr("2025-03")})
		if err != nil || !created || len(sts) != 1 {
			t.Fatalf("March: %v %v %+v", err, created, sts)
		}
		if m := sts[0]; m.Gross != 30000 || m.Commission != 5250 || m.Fees != 5000 || m.Expenses != 0 || m.Net != 19750 || m.Nights != 3 {
			t.Fatalf("March statement %+v", m)
		}
		// Asking again gives the same statement, not a new one.
		again, created, err := f.svc.GenerateStatements(ctx, f.org, f.owner, porter.StatementInput{Month: ptr("2025-03")})
		if err != nil || created || len(again) != 1 || again[0].ID != sts[0].ID {
			t.Fatalf("March again: %v %v %+v", err, created, again)
		}
		for _, c := range []struct{ month, field string }{{"", "month"}, {"2025-13", "month"}, {"2025-5", "month"}, {"2025-05", "month"}} {
			_, _, err := f.svc.GenerateStatements(ctx, f.org, f.owner, porter.StatementInput{Month: &c.month})
			var pe *porter.Error
			if porter.ErrorCode(err) != porter.EINVALID || !asError(err, &pe) || pe.Fields[0].Field != c.field {
				t.Errorf("month %q: %v, want a 400 naming %s", c.month, err, c.field)
			}
		}
		if _, _, err := f.svc.GenerateStatements(ctx, f.org, 99999, porter.StatementInput{Month: ptr("2025-03")}); porter.ErrorCode(err) != porter.ENOTFOUND {
			t.Fatalf("unknown owner: %v", err)
		}
	})
}

// TestStatementPassIdempotent: the pass run twice, then from two
// goroutines at once, draws up one statement and one tax report and
// fires one event for each.
func TestStatementPassIdempotent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		ctx := context.Background()
		f := newStatementFixture(t, s)
		var wg sync.WaitGroup
		errs := make(chan error, 2)
		for range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs <- f.svc.RunStatementPass(ctx, f.svc.Now())
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		if err := f.svc.RunStatementPass(ctx, f.svc.Now()); err != nil {
			t.Fatal(err)
		}
		list, err := f.svc.Statements(ctx, f.org, porter.StatementFilter{})
		if err != nil || len(list.Items) != 1 || list.Items[0].Month != "2025-04" {
			t.Fatalf("statements: %v %+v", err, list)
		}
		for _, typ := range []string{"owner.statement_ready", "tax_report.generated"} {
			evs, err := f.svc.Events(ctx, f.org, porter.EventFilter{Types: []string{typ}})
			if err != nil || len(evs.Items) != 1 {
				t.Fatalf("%s events: %v %d", typ, err, len(evs.Items))
			}
		}
		reps, err := f.svc.TaxReports(ctx, f.org, porter.TaxReportFilter{})
		if err != nil || len(reps.Items) != 1 || reps.Items[0].TaxDue != 0 || reps.Items[0].GuestNights != 13 {
			t.Fatalf("tax reports without a rule: %v %+v", err, reps.Items)
		}
	})
}
