package porter_test

import (
	"context"
	"testing"

	"porter"
	"porter/storetest"
)

// TestTaxReportFigures: Villa Sol's April 2025 under its own rule (2.50
// per guest per night for a stay's first 3 nights, plus 5 % of those
// nights' accommodation), which replaces the organization's default.
func TestTaxReportFigures(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		ctx := context.Background()
		f := newStatementFixture(t, s)
		if _, err := f.svc.SetTaxRule(ctx, f.org, porter.TaxRuleInput{PerGuestNight: money("1")}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.SetTaxRule(ctx, f.org, porter.TaxRuleInput{PropertyID: &f.property, PerGuestNight: money("2.5"),
			Percent: pct("5"), MaxNights: ptr(int64(3))}); err != nil {
			t.Fatal(err)
		}
		if rules, err := f.svc.TaxRules(ctx, f.org); err != nil || len(rules) != 2 || rules[1].PerGuestNight != 250 {
			t.Fatalf("rules: %v %+v", err, rules)
		}
		for _, c := range []struct {
			in    porter.TaxRuleInput
			field string
		}{
			{porter.TaxRuleInput{Percent: pct("100.5")}, "percent"},
			{porter.TaxRuleInput{PerGuestNight: money("-1")}, "per_guest_night"},
			{porter.TaxRuleInput{MaxNights: ptr(int64(-1))}, "max_nights"},
			{porter.TaxRuleInput{PropertyID: ptr(int64(99999))}, "property_id"},
		} {
			_, err := f.svc.SetTaxRule(ctx, f.org, c.in)
			var pe *porter.Error
			if porter.ErrorCode(err) != porter.EINVALID || !asError(err, &pe) || pe.Fields[0].Field != c.field {
				t.Errorf("%+v: %v, want a 400 naming %s", c.in, err, c.field)
			}
		}
		reps, created, err := f.svc.GenerateTaxReports(ctx, f.org, porter.TaxReportInput{Month: ptr("2025-04")})
		if err != nil || !created || len(reps) != 1 {
			t.Fatalf("April: %v %v %+v", err, created, reps)
		}
		// A (2 guests): 1 and 2 April are its 4th and 5th nights, past
		// the cap: 2 nights, 4 guest-nights, none taxable, 200.00.
		// B (3 guests): 3 nights, 9 guest-nights, all taxable, 350.32.
		// Tax: 9 × 2.50 = 22.50, plus 5 % of 350.32 = 17.516 → 17.52:
		// 40.02. C is cancelled.
		r := reps[0]
		if r.Stays != 2 || r.Nights != 5 || r.GuestNights != 13 || r.TaxableGuestNights != 9 || r.Accommodation != 55032 ||
			r.TaxDue != 4002 || r.Currency != "EUR" || r.Rule.PropertyID != f.property {
			t.Fatalf("April report %+v", r)
		}
		again, created, err := f.svc.GenerateTaxReports(ctx, f.org, porter.TaxReportInput{Month: ptr("2025-04"), PropertyID: &f.property})
		if err != nil || created || len(again) != 1 || again[0].ID != r.ID {
			t.Fatalf("again: %v %v %+v", err, created, again)
		}
		for _, c := range []struct {
			in    porter.TaxReportInput
			field string
		}{
			{porter.TaxReportInput{}, "month"},
			{porter.TaxReportInput{Month: ptr("2025-05")}, "month"},
			{porter.TaxReportInput{Month: ptr("2025-04"), PropertyID: ptr(int64(-2))}, "property_id"},
		} {
			_, _, err := f.svc.GenerateTaxReports(ctx, f.org, c.in)
			var pe *porter.Error
			if porter.ErrorCode(err) != porter.EINVALID || !asError(err, &pe) || pe.Fields[0].Field != c.field {
				t.Errorf("%+v: %v, want a 400 naming %s", c.in, err, c.field)
			}
		}
	})
}
