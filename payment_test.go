package porter_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"

	"porter"
	"porter/storetest"
)

// TestConcurrentPayments fires payments at one tenant's charges at once:
// every cent must be applied exactly once, on both engines.
func TestConcurrentPayments(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		ctx := context.Background()
		svc, org := newService(t, s)
		tn, err := svc.CreateTenant(ctx, org, porter.TenantInput{Email: ptr("jane@example.com"), FirstName: ptr("Jane"), LastName: ptr("Smith")})
		if err != nil {
			t.Fatal(err)
		}
		var charges []*porter.Charge
		for i, amount := range []porter.Money{300_00, 400_00, 300_00} {
			c, err := svc.CreateCharge(ctx, org, porter.ChargeInput{TenantID: &tn.ID, Amount: ptr(amount),
				Description: ptr("rent"), DueDate: ptr(fmt.Sprintf("2025-0%d-01", i+1))})
			if err != nil {
				t.Fatal(err)
			}
			charges = append(charges, c)
		}
		last := charges[2].ID

		// Ten oldest-first payments of 75.00 (750.00 of 1000.00 owed), and
		// ten of 40.00 aimed at the last charge, all at once.
		var wg sync.WaitGroup
		errs := make(chan error, 20)
		for i := 0; i < 20; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				in := porter.PaymentInput{TenantID: &tn.ID, Amount: ptr(porter.Money(75_00))}
				if i%2 == 1 {
					in = porter.PaymentInput{TenantID: &tn.ID, Amount: ptr(porter.Money(40_00)), ChargeID: &last}
				}
				_, err := svc.RecordPayment(ctx, org, in)
				errs <- err
			}(i)
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}

		// 1150.00 was paid against 1000.00 owed: every charge is paid, and
		// what was applied plus the credit is exactly what was paid.
		ps, err := svc.Payments(ctx, org, porter.PaymentFilter{ListParams: porter.ListParams{PerPage: 100}})
		if err != nil {
			t.Fatal(err)
		}
		if ps.Total != 20 {
			t.Fatalf("%d payments", ps.Total)
		}
		applied := map[int64]porter.Money{}
		var paid, unapplied porter.Money
		for _, p := range ps.Items {
			paid += p.Amount
			unapplied += p.UnappliedAmount
			var sum porter.Money
			for _, a := range p.Allocations {
				applied[a.ChargeID] += a.Amount
				sum += a.Amount
				if p.ChargeID != nil && a.ChargeID != *p.ChargeID {
					t.Fatalf("payment %d for charge %d applied to %d", p.ID, *p.ChargeID, a.ChargeID)
				}
			}
			if sum+p.UnappliedAmount != p.Amount {
				t.Fatalf("payment %d: %s applied + %s unapplied != %s", p.ID, sum, p.UnappliedAmount, p.Amount)
			}
		}
		var balances porter.Money
		for _, c := range charges {
			got, err := svc.Charge(ctx, org, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			balances += got.Balance
			if got.Amount-got.Balance != applied[c.ID] {
				t.Fatalf("charge %d: balance %s but %s applied of %s", c.ID, got.Balance, applied[c.ID], got.Amount)
			}
		}
		if paid != 1150_00 || balances != 0 || unapplied != 150_00 {
			t.Fatalf("paid %s, balances %s, unapplied %s", paid, balances, unapplied)
		}
	})
}

// TestConcurrentPartialPayments leaves money owing, so that a balance
// applied twice would show in the sum of balances.
func TestConcurrentPartialPayments(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		ctx := context.Background()
		svc, org := newService(t, s)
		tn, err := svc.CreateTenant(ctx, org, porter.TenantInput{Email: ptr("jane@example.com"), FirstName: ptr("Jane"), LastName: ptr("Smith")})
		if err != nil {
			t.Fatal(err)
		}
		// Created out of due-date order, so that paying oldest-due first
		// differs from paying in the order of creation (or of id).
		ids := make([]int64, 3) // by due date
		for _, c := range []struct {
			month  int
			amount porter.Money
		}{{3, 300_00}, {1, 300_00}, {2, 400_00}} {
			ch, err := svc.CreateCharge(ctx, org, porter.ChargeInput{TenantID: &tn.ID, Amount: ptr(c.amount),
				Description: ptr("rent"), DueDate: ptr(fmt.Sprintf("2025-0%d-01", c.month))})
			if err != nil {
				t.Fatal(err)
			}
			ids[c.month-1] = ch.ID
		}
		var wg sync.WaitGroup
		errs := make(chan error, 10)
		for i := 0; i < 10; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := svc.RecordPayment(ctx, org, porter.PaymentInput{TenantID: &tn.ID, Amount: ptr(porter.Money(75_00))})
				errs <- err
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		var balances porter.Money
		want := map[int64][2]any{ids[0]: {porter.Money(0), porter.ChargePaid}, ids[1]: {porter.Money(0), porter.ChargePaid}, ids[2]: {porter.Money(250_00), porter.ChargePartiallyPaid}}
		for _, id := range ids {
			c, err := svc.Charge(ctx, org, id)
			if err != nil {
				t.Fatal(err)
			}
			balances += c.Balance
			if w := want[id]; c.Balance != w[0] || c.Status != w[1] {
				t.Errorf("charge %d: %s %s, want %v", id, c.Balance, c.Status, w)
			}
		}
		if balances != 250_00 {
			t.Fatalf("balances sum to %s, want 250.00", balances)
		}
	})
}

func TestMoneyJSON(t *testing.T) {
	for in, want := range map[string]porter.Money{
		`1800`: 1800_00, `1800.5`: 1800_50, `1800.00`: 1800_00, `"1800.00"`: 1800_00, `" 75.5 "`: 75_50,
		`"-3"`: -3_00, `1e2`: 100_00, `"1.10"`: 1_10, `0.1`: 10,
	} {
		var m porter.Money
		if err := json.Unmarshal([]byte(in), &m); err != nil || m != want {
			t.Errorf("%s: %v %v, want %v", in, m, err, want)
		}
	}
	for in, msg := range map[string]string{
		`"abc"`: "must be a number", `""`: "must be a number", `"0x1p4"`: "must be a number", `"Inf"`: "must be a number",
		`"1_000"`: "must be a number", `"1.001"`: "must have at most two decimals", `1.001`: "must have at most two decimals",
		`true`: "must be a number", `"+5"`: "must be a number", `"1e400"`: "is too large", `1e-9`: "must have at most two decimals",
	} {
		var m porter.Money
		if err := json.Unmarshal([]byte(in), &m); err == nil || err.Error() != msg {
			t.Errorf("%s: %v, want %q", in, err, msg)
		}
	}
	if b, _ := json.Marshal(porter.Money(1800_00)); string(b) != "1800.00" {
		t.Errorf("marshal: %s", b)
	}
}

// OverdueOn keeps the charges still owing whose due date is before the day.
func TestChargesOverdueFilter(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		ctx := context.Background()
		svc, org := newService(t, s)
		tn, err := svc.CreateTenant(ctx, org, porter.TenantInput{Email: ptr("jane@example.com"), FirstName: ptr("Jane"), LastName: ptr("Smith")})
		if err != nil {
			t.Fatal(err)
		}
		ids := map[string]int64{}
		for _, c := range []struct{ name, due string }{{"late", "2025-05-01"}, {"paid", "2025-05-02"}, {"void", "2025-05-03"}, {"today", "2025-05-09"}} {
			ch, err := svc.CreateCharge(ctx, org, porter.ChargeInput{TenantID: &tn.ID, Amount: ptr(porter.Money(1000)), Description: ptr(c.name), DueDate: ptr(c.due)})
			if err != nil {
				t.Fatal(err)
			}
			ids[c.name] = ch.ID
		}
		if _, err := svc.RecordPayment(ctx, org, porter.PaymentInput{TenantID: &tn.ID, Amount: ptr(porter.Money(1000)), ChargeID: ptr(ids["paid"])}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.VoidCharge(ctx, org, ids["void"]); err != nil {
			t.Fatal(err)
		}
		list, err := svc.Charges(ctx, org, porter.ChargeFilter{OverdueOn: "2025-05-09"})
		if err != nil || list.Total != 1 || list.Items[0].ID != ids["late"] {
			t.Fatalf("overdue = %+v, %v", list, err)
		}
		if _, err := svc.Charges(ctx, org, porter.ChargeFilter{OverdueOn: "yesterday"}); porter.ErrorCode(err) != porter.EINVALID {
			t.Fatalf("bad date: %v", err)
		}
	})
}
