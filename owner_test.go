package porter_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"porter"
	"porter/storetest"
)

// TestOwnerships: a property has one owner on any day; ending an
// ownership lets another owner take over the next day.
func TestOwnerships(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		ctx := context.Background()
		svc, org := newService(t, s)
		p, err := svc.CreateProperty(ctx, org, porter.PropertyInput{Name: ptr("Riad Yasmine")})
		if err != nil {
			t.Fatal(err)
		}
		amina, err := svc.CreateOwner(ctx, org, porter.OwnerInput{Name: ptr("Amina El Fassi"), Email: ptr("Amina@Example.com"), PayoutDetails: ptr("RIB 0000 1111")})
		if err != nil {
			t.Fatal(err)
		}
		if amina.Email != "amina@example.com" {
			t.Fatalf("owner %+v", amina)
		}
		yves, _ := svc.CreateOwner(ctx, org, porter.OwnerInput{Name: ptr("Yves"), Company: ptr("Yves SCI")})

		link, err := svc.LinkProperty(ctx, org, amina.ID, porter.OwnershipInput{PropertyID: &p.ID, CommissionRate: pct("20.5"),
			ManagementFee: money("50"), CleaningFee: money("35.00"), StartDate: ptr("2025-01-01")})
		if err != nil {
			t.Fatal(err)
		}
		if link.CommissionRate.String() != "20.50" || link.EndDate != nil {
			t.Fatalf("link %+v", link)
		}
		// Yves cannot own it while Amina does.
		_, err = svc.LinkProperty(ctx, org, yves.ID, porter.OwnershipInput{PropertyID: &p.ID, CommissionRate: pct("15"), StartDate: ptr("2025-06-01")})
		if porter.ErrorCode(err) != porter.ECONFLICT || !strings.Contains(err.Error(), "ownership") {
			t.Fatalf("overlap: %v", err)
		}
		if _, err := svc.UpdateOwnership(ctx, org, amina.ID, link.ID, porter.OwnershipInput{EndDate: ptr("2025-05-31")}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.LinkProperty(ctx, org, yves.ID, porter.OwnershipInput{PropertyID: &p.ID, CommissionRate: pct("15"), StartDate: ptr("2025-06-01")}); err != nil {
			t.Fatal(err)
		}
		// Reopening Amina's would overlap Yves's.
		if _, err := svc.UpdateOwnership(ctx, org, amina.ID, link.ID, porter.OwnershipInput{EndDate: ptr("")}); porter.ErrorCode(err) != porter.ECONFLICT {
			t.Fatalf("reopen: %v", err)
		}
		for date, want := range map[string]int64{"2025-05-31": amina.ID, "2025-06-01": yves.ID, "2030-01-01": yves.ID} {
			po, err := svc.PropertyOwner(ctx, org, p.ID, date)
			if err != nil || po.Owner.ID != want {
				t.Fatalf("owner on %s: %v %+v", date, err, po)
			}
		}
		if _, err := svc.PropertyOwner(ctx, org, p.ID, "2024-12-31"); porter.ErrorCode(err) != porter.ENOTFOUND {
			t.Fatalf("before any owner: %v", err)
		}
		for _, c := range []struct {
			in    porter.OwnershipInput
			field string
		}{
			{porter.OwnershipInput{CommissionRate: pct("10")}, "property_id"},
			{porter.OwnershipInput{PropertyID: &p.ID}, "commission_rate"},
			{porter.OwnershipInput{PropertyID: &p.ID, CommissionRate: pct("100.01")}, "commission_rate"},
			{porter.OwnershipInput{PropertyID: &p.ID, CommissionRate: pct("-1")}, "commission_rate"},
			{porter.OwnershipInput{PropertyID: &p.ID, CommissionRate: pct("10"), CleaningFee: money("-1")}, "cleaning_fee"},
			{porter.OwnershipInput{PropertyID: &p.ID, CommissionRate: pct("10"), StartDate: ptr("2026-02-30")}, "start_date"},
			{porter.OwnershipInput{PropertyID: &p.ID, CommissionRate: pct("10"), StartDate: ptr("2026-02-01"), EndDate: ptr("2026-01-31")}, "end_date"},
			{porter.OwnershipInput{PropertyID: ptr(int64(99999)), CommissionRate: pct("10")}, "property_id"},
		} {
			_, err := svc.LinkProperty(ctx, org, amina.ID, c.in)
			var pe *porter.Error
			if porter.ErrorCode(err) != porter.EINVALID || !asError(err, &pe) || pe.Fields[0].Field != c.field {
				t.Errorf("%+v: %v, want a 400 naming %s", c.in, err, c.field)
			}
		}
		links, err := svc.OwnerProperties(ctx, org, amina.ID)
		if err != nil || len(links) != 1 {
			t.Fatalf("amina's links: %v %d", err, len(links))
		}
		// An owner with history is kept; one without can go.
		if err := svc.DeleteOwner(ctx, org, amina.ID); porter.ErrorCode(err) != porter.ECONFLICT {
			t.Fatalf("delete a linked owner: %v", err)
		}
		lone, _ := svc.CreateOwner(ctx, org, porter.OwnerInput{Name: ptr("Typo")})
		if err := svc.DeleteOwner(ctx, org, lone.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Owner(ctx, org, lone.ID); porter.ErrorCode(err) != porter.ENOTFOUND {
			t.Fatalf("deleted owner: %v", err)
		}
	})
}

func asError(err error, pe **porter.Error) bool { return errors.As(err, pe) }
