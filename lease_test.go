package porter_test

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"porter"
	"porter/storetest"
)

// leaseFixture is a service with a movable clock, one organization, a unit
// and two tenants.
type leaseFixture struct {
	t       *testing.T
	ctx     context.Context
	store   porter.Store
	svc     *porter.Service
	now     time.Time
	org     int64
	prop    int64
	unit    int64
	tenants []int64
}

func newLeaseFixture(t *testing.T, s porter.Store, alertDays ...int) *leaseFixture {
	t.Helper()
	f := &leaseFixture{t: t, ctx: context.Background(), store: s, now: time.Date(2025, 5, 9, 14, 30, 0, 0, time.UTC)}
	f.svc = f.newService()
	if len(alertDays) == 0 {
		// Without thresholds, the organization is made as any is, so that
		// the tests run on the default (seed 000: 60 days).
		org, err := f.svc.CreateOrganization(f.ctx, "Acme")
		if err != nil {
			t.Fatal(err)
		}
		f.org = org.ID
	} else {
		org := &porter.Organization{Name: "Acme", CreatedAt: f.now, LeaseAlertDays: alertDays}
		if err := s.CreateOrganization(f.ctx, org); err != nil {
			t.Fatal(err)
		}
		f.org = org.ID
	}
	p, err := f.svc.CreateProperty(f.ctx, f.org, porter.PropertyInput{Name: ptr("Maple Court")})
	if err != nil {
		t.Fatal(err)
	}
	f.prop = p.ID
	f.unit = f.newUnit("12B")
	for _, e := range []string{"jane@example.com", "john@example.com"} {
		tn, err := f.svc.CreateTenant(f.ctx, f.org, porter.TenantInput{Email: ptr(e), FirstName: ptr("J"), LastName: ptr("S")})
		if err != nil {
			t.Fatal(err)
		}
		f.tenants = append(f.tenants, tn.ID)
	}
	return f
}

// newService is another Service over the same store and clock, as after a
// restart or on a second node.
func (f *leaseFixture) newService() *porter.Service {
	svc := porter.NewService(f.store, "http://porter.test", nil)
	svc.Now = func() time.Time { return f.now }
	return svc
}

func (f *leaseFixture) newUnit(name string) int64 {
	f.t.Helper()
	u, err := f.svc.CreateUnit(f.ctx, f.org, porter.UnitInput{PropertyID: &f.prop, Name: ptr(name)})
	if err != nil {
		f.t.Fatal(err)
	}
	return u.ID
}

func (f *leaseFixture) input(unit int64, start, end string) porter.LeaseInput {
	rent := porter.Money(180000)
	return porter.LeaseInput{UnitID: &unit, TenantIDs: &[]int64{f.tenants[0]}, StartDate: &start, EndDate: &end, MonthlyRent: &rent}
}

// activeLease creates and activates a lease on unit.
func (f *leaseFixture) activeLease(unit int64, start, end string) *porter.Lease {
	f.t.Helper()
	l, err := f.svc.CreateLease(f.ctx, f.org, f.input(unit, start, end))
	if err != nil {
		f.t.Fatal(err)
	}
	if l, err = f.svc.ActivateLease(f.ctx, f.org, l.ID); err != nil {
		f.t.Fatal(err)
	}
	return l
}

// events returns the organization's events of typ, oldest first.
func (f *leaseFixture) events(typ string) []*porter.Event {
	f.t.Helper()
	filter := porter.EventFilter{ListParams: porter.ListParams{PerPage: porter.MaxPerPage}}
	if typ != "" {
		filter.Types = []string{typ}
	}
	l, err := f.svc.Events(f.ctx, f.org, filter)
	if err != nil {
		f.t.Fatal(err)
	}
	out := make([]*porter.Event, len(l.Items))
	for i, e := range l.Items {
		out[len(out)-1-i] = e
	}
	return out
}

func (f *leaseFixture) eventCount() int {
	f.t.Helper()
	l, err := f.svc.Events(f.ctx, f.org, porter.EventFilter{})
	if err != nil {
		f.t.Fatal(err)
	}
	return l.Total
}

func (f *leaseFixture) unitStatus(id int64) string {
	f.t.Helper()
	u, err := f.svc.Unit(f.ctx, f.org, id)
	if err != nil {
		f.t.Fatal(err)
	}
	return u.Status
}

func (f *leaseFixture) pass(at string) {
	f.t.Helper()
	now, err := time.Parse(time.RFC3339, at+"T09:00:00Z")
	if err != nil {
		f.t.Fatal(err)
	}
	f.now = now
	if err := f.svc.RunLeasePass(f.ctx, now); err != nil {
		f.t.Fatal(err)
	}
}

func wantCode(t *testing.T, err error, code, contains string) {
	t.Helper()
	if porter.ErrorCode(err) != code {
		t.Fatalf("err = %v (%s), want %s", err, porter.ErrorCode(err), code)
	}
	if contains != "" && !strings.Contains(err.Error(), contains) {
		t.Fatalf("err = %q, want it to mention %q", err, contains)
	}
}

func TestLeaseLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newLeaseFixture(t, s)
		ctx := f.ctx
		in := f.input(f.unit, "2025-06-01", "2026-05-31")
		in.TenantIDs = &[]int64{f.tenants[1], f.tenants[0]}
		l, err := f.svc.CreateLease(ctx, f.org, in)
		if err != nil {
			t.Fatal(err)
		}
		if l.Status != "draft" || l.TenantID != f.tenants[1] || len(l.TenantIDs) != 2 || l.Deposit != 0 || l.MonthlyRent != 180000 {
			t.Fatalf("lease = %+v", l)
		}
		got, err := f.svc.Lease(ctx, f.org, l.ID)
		if err != nil || got.TenantID != f.tenants[1] || got.TenantIDs[1] != f.tenants[0] {
			t.Fatalf("read back = %+v, %v", got, err)
		}
		// A draft can be edited; tenant_id alone makes a single tenant.
		l, err = f.svc.UpdateLease(ctx, f.org, l.ID, porter.LeaseInput{TenantID: &f.tenants[0], Deposit: ptr(porter.Money(50000))})
		if err != nil || len(l.TenantIDs) != 1 || l.TenantID != f.tenants[0] || l.Deposit != 50000 {
			t.Fatalf("update = %+v, %v", l, err)
		}
		// Terminate and renew need an active lease.
		_, err = f.svc.TerminateLease(ctx, f.org, l.ID, porter.TerminateInput{})
		wantCode(t, err, porter.ECONFLICT, "lease "+itoa(l.ID)+" is draft")
		_, err = f.svc.RenewLease(ctx, f.org, l.ID, porter.RenewInput{EndDate: ptr("2027-05-31")})
		wantCode(t, err, porter.ECONFLICT, "is draft")

		l, err = f.svc.ActivateLease(ctx, f.org, l.ID)
		if err != nil || l.Status != "active" || l.ActivatedAt == nil {
			t.Fatalf("activate = %+v, %v", l, err)
		}
		if st := f.unitStatus(f.unit); st != "occupied" {
			t.Fatalf("unit status %s", st)
		}
		_, err = f.svc.ActivateLease(ctx, f.org, l.ID)
		wantCode(t, err, porter.ECONFLICT, "is active")
		_, err = f.svc.UpdateLease(ctx, f.org, l.ID, porter.LeaseInput{Deposit: ptr(porter.Money(1))})
		wantCode(t, err, porter.ECONFLICT, "is active")

		// Renewal: the end date must move later.
		_, err = f.svc.RenewLease(ctx, f.org, l.ID, porter.RenewInput{EndDate: ptr("2026-05-31")})
		wantCode(t, err, porter.EINVALID, "end_date must be after the current end date 2026-05-31")
		_, err = f.svc.RenewLease(ctx, f.org, l.ID, porter.RenewInput{})
		wantCode(t, err, porter.EINVALID, "end_date is required")
		_, err = f.svc.RenewLease(ctx, f.org, l.ID, porter.RenewInput{EndDate: ptr("2027-05-31"), MonthlyRent: ptr(porter.Money(0))})
		wantCode(t, err, porter.EINVALID, "monthly_rent")
		l, err = f.svc.RenewLease(ctx, f.org, l.ID, porter.RenewInput{EndDate: ptr("2027-05-31"), MonthlyRent: ptr(porter.Money(190000))})
		if err != nil || l.EndDate != "2027-05-31" || l.MonthlyRent != 190000 || l.Status != "active" {
			t.Fatalf("renew = %+v, %v", l, err)
		}

		l, err = f.svc.TerminateLease(ctx, f.org, l.ID, porter.TerminateInput{Reason: ptr("  moved abroad ")})
		if err != nil || l.Status != "terminated" || l.TerminatedAt == nil || l.TerminationReason != "moved abroad" {
			t.Fatalf("terminate = %+v, %v", l, err)
		}
		if st := f.unitStatus(f.unit); st != "vacant" {
			t.Fatalf("unit status %s", st)
		}
		for name, fn := range map[string]func() error{
			"activate":  func() error { _, err := f.svc.ActivateLease(ctx, f.org, l.ID); return err },
			"terminate": func() error { _, err := f.svc.TerminateLease(ctx, f.org, l.ID, porter.TerminateInput{}); return err },
			"renew": func() error {
				_, err := f.svc.RenewLease(ctx, f.org, l.ID, porter.RenewInput{EndDate: ptr("2028-05-31")})
				return err
			},
			"update": func() error { _, err := f.svc.UpdateLease(ctx, f.org, l.ID, porter.LeaseInput{}); return err },
		} {
			if err := fn(); porter.ErrorCode(err) != porter.ECONFLICT || !strings.Contains(err.Error(), "is terminated") {
				t.Fatalf("%s a terminated lease: %v", name, err)
			}
		}

		var types []string
		for _, e := range f.events("") {
			if e.ResourceType == "lease" || e.Type == "unit.updated" {
				types = append(types, e.Type)
			}
		}
		want := "lease.created lease.updated unit.updated lease.activated lease.renewed unit.updated lease.terminated"
		if strings.Join(types, " ") != want {
			t.Fatalf("events = %v, want %s", types, want)
		}
		ev := f.events("lease.terminated")[0]
		var prev map[string]any
		json.Unmarshal(ev.PreviousAttributes, &prev)
		if prev["status"] != "active" {
			t.Fatalf("previous_attributes = %s", ev.PreviousAttributes)
		}
		var data map[string]any
		json.Unmarshal(f.events("lease.created")[0].Data, &data)
		for _, k := range []string{"id", "unit_id", "tenant_id", "start_date", "end_date", "monthly_rent"} {
			if _, ok := data[k]; !ok {
				t.Fatalf("lease.created lacks %s: %s", k, f.events("lease.created")[0].Data)
			}
		}

		// Filters.
		other := f.activeLease(f.newUnit("12C"), "2025-06-01", "2026-05-31")
		for _, c := range []struct {
			f    porter.LeaseFilter
			want int
		}{
			{porter.LeaseFilter{}, 2},
			{porter.LeaseFilter{Status: "terminated"}, 1},
			{porter.LeaseFilter{UnitID: other.UnitID}, 1},
			{porter.LeaseFilter{TenantID: f.tenants[0]}, 2},
			{porter.LeaseFilter{TenantID: f.tenants[1]}, 0},
			{porter.LeaseFilter{PropertyID: f.prop}, 2},
			{porter.LeaseFilter{PropertyID: f.prop + 1000}, 0},
		} {
			list, err := f.svc.Leases(ctx, f.org, c.f)
			if err != nil || list.Total != c.want || len(list.Items) != c.want {
				t.Fatalf("filter %+v: %+v, %v", c.f, list, err)
			}
			for _, it := range list.Items {
				if len(it.TenantIDs) == 0 || it.TenantID != it.TenantIDs[0] {
					t.Fatalf("listed lease without tenants: %+v", it)
				}
			}
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestLeaseValidationWritesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newLeaseFixture(t, s)
		otherOrg := &porter.Organization{Name: "Other", CreatedAt: f.now}
		if err := s.CreateOrganization(f.ctx, otherOrg); err != nil {
			t.Fatal(err)
		}
		before := f.eventCount()
		cases := []struct {
			name, want string
			edit       func(in *porter.LeaseInput)
		}{
			{"no unit", "unit_id is required", func(in *porter.LeaseInput) { in.UnitID = nil }},
			{"unknown unit", "unit_id 999999 does not exist", func(in *porter.LeaseInput) { in.UnitID = ptr(int64(999999)) }},
			{"no tenants", "tenant_ids must name at least one tenant", func(in *porter.LeaseInput) { in.TenantIDs = nil }},
			{"empty tenants", "tenant_ids must name at least one tenant", func(in *porter.LeaseInput) { in.TenantIDs = &[]int64{} }},
			{"unknown tenant", "tenant_ids 999999 does not exist", func(in *porter.LeaseInput) { in.TenantIDs = &[]int64{f.tenants[0], 999999} }},
			{"duplicate tenant", "names tenant", func(in *porter.LeaseInput) { in.TenantIDs = &[]int64{f.tenants[0], f.tenants[0]} }},
			{"tenant_id mismatch", "tenant_id must be the first of tenant_ids", func(in *porter.LeaseInput) { in.TenantID = &f.tenants[1] }},
			{"no start", "start_date is required", func(in *porter.LeaseInput) { in.StartDate = nil }},
			{"bad start", "start_date must be an ISO date", func(in *porter.LeaseInput) { in.StartDate = ptr("2025-13-01") }},
			{"bad end", "end_date must be an ISO date", func(in *porter.LeaseInput) { in.EndDate = ptr("06/01/2026") }},
			{"end before start", "end_date must be after start_date", func(in *porter.LeaseInput) { in.EndDate = ptr("2025-05-31") }},
			{"end equals start", "end_date must be after start_date", func(in *porter.LeaseInput) { in.EndDate = ptr("2025-06-01") }},
			{"no rent", "monthly_rent must be greater than 0", func(in *porter.LeaseInput) { in.MonthlyRent = nil }},
			{"negative rent", "monthly_rent must be greater than 0", func(in *porter.LeaseInput) { in.MonthlyRent = ptr(porter.Money(-1)) }},
			{"negative deposit", "deposit must not be negative", func(in *porter.LeaseInput) { in.Deposit = ptr(porter.Money(-1)) }},
		}
		for _, c := range cases {
			in := f.input(f.unit, "2025-06-01", "2026-05-31")
			c.edit(&in)
			_, err := f.svc.CreateLease(f.ctx, f.org, in)
			if porter.ErrorCode(err) != porter.EINVALID || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("%s: err = %v, want %q", c.name, err, c.want)
			}
		}
		// Another organization's unit and tenants do not exist for it.
		_, err := f.svc.CreateLease(f.ctx, otherOrg.ID, f.input(f.unit, "2025-06-01", "2026-05-31"))
		wantCode(t, err, porter.EINVALID, "unit_id")

		// A bad edit of a draft changes nothing either.
		l, err := f.svc.CreateLease(f.ctx, f.org, f.input(f.unit, "2025-06-01", "2026-05-31"))
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.UpdateLease(f.ctx, f.org, l.ID, porter.LeaseInput{EndDate: ptr("2025-01-01")})
		wantCode(t, err, porter.EINVALID, "end_date must be after start_date")
		_, err = f.svc.TerminateLease(f.ctx, f.org, l.ID, porter.TerminateInput{Reason: ptr(strings.Repeat("x", 1001))})
		wantCode(t, err, porter.EINVALID, "reason")
		got, _ := f.svc.Lease(f.ctx, f.org, l.ID)
		if got.EndDate != "2026-05-31" || got.Status != "draft" {
			t.Fatalf("lease changed: %+v", got)
		}
		list, _ := f.svc.Leases(f.ctx, f.org, porter.LeaseFilter{})
		if list.Total != 1 || f.eventCount() != before+1 {
			t.Fatalf("written: %d leases, %d events (want 1, %d)", list.Total, f.eventCount(), before+1)
		}
		// Unknown and foreign lease ids are not found.
		_, err = f.svc.Lease(f.ctx, otherOrg.ID, l.ID)
		wantCode(t, err, porter.ENOTFOUND, "")
		_, err = f.svc.ActivateLease(f.ctx, otherOrg.ID, l.ID)
		wantCode(t, err, porter.ENOTFOUND, "")
	})
}

func TestLeaseOverlappingActivation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newLeaseFixture(t, s)
		first := f.activeLease(f.unit, "2025-06-01", "2026-05-31")
		overlap, err := f.svc.CreateLease(f.ctx, f.org, f.input(f.unit, "2026-05-31", "2027-05-31"))
		if err != nil {
			t.Fatal(err)
		}
		before := f.eventCount()
		_, err = f.svc.ActivateLease(f.ctx, f.org, overlap.ID)
		wantCode(t, err, porter.ECONFLICT, "already has an active lease")
		if f.eventCount() != before {
			t.Fatal("a refused activation recorded events")
		}
		// The day after the first one ends is free.
		next := f.activeLease(f.unit, "2026-06-01", "2027-05-31")
		// The first cannot be renewed into the next one's term.
		_, err = f.svc.RenewLease(f.ctx, f.org, first.ID, porter.RenewInput{EndDate: ptr("2026-06-30")})
		wantCode(t, err, porter.ECONFLICT, "already has an active lease")
		// Terminating one of two active leases keeps the unit occupied.
		if _, err := f.svc.TerminateLease(f.ctx, f.org, first.ID, porter.TerminateInput{}); err != nil {
			t.Fatal(err)
		}
		if st := f.unitStatus(f.unit); st != "occupied" {
			t.Fatalf("unit status %s with lease %d active", st, next.ID)
		}
		// A lease whose term is over cannot be signed.
		old, err := f.svc.CreateLease(f.ctx, f.org, f.input(f.newUnit("9"), "2024-01-01", "2025-01-01"))
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.ActivateLease(f.ctx, f.org, old.ID)
		wantCode(t, err, porter.ECONFLICT, "ended on 2025-01-01")
	})
}

// expiring decodes a lease.expiring_soon event's data.
func expiring(t *testing.T, e *porter.Event) (id int64, days, threshold int, end string) {
	t.Helper()
	var d struct {
		ID            int64  `json:"id"`
		TenantID      int64  `json:"tenant_id"`
		EndDate       string `json:"end_date"`
		DaysRemaining int    `json:"days_remaining"`
		ThresholdDays int    `json:"threshold_days"`
		Status        string `json:"status"`
	}
	if err := json.Unmarshal(e.Data, &d); err != nil {
		t.Fatal(err)
	}
	if d.TenantID == 0 || d.Status != "active" {
		t.Fatalf("expiring_soon data lacks the lease: %s", e.Data)
	}
	return d.ID, d.DaysRemaining, d.ThresholdDays, d.EndDate
}

func TestLeaseSchedulerThresholds(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newLeaseFixture(t, s, 30, 60, 90)
		l := f.activeLease(f.unit, "2025-05-01", "2025-12-31")
		steps := []struct {
			at        string
			threshold int // 0: no new alert
			days      int
		}{
			{"2025-05-09", 0, 0},
			{"2025-10-01", 0, 0},   // 91 days left
			{"2025-10-02", 90, 90}, // 90 days left
			{"2025-10-02", 0, 0},   // same day again
			{"2025-10-20", 0, 0},
			{"2025-11-05", 60, 56}, // a pass missed the exact day
			{"2025-11-06", 0, 0},
			{"2025-12-01", 30, 30},
			{"2025-12-31", 0, 0}, // the last day: still active
		}
		seen := 0
		for _, st := range steps {
			f.pass(st.at)
			// Also as a restarted node: a new Service over the same store.
			if err := f.newService().RunLeasePass(f.ctx, f.now); err != nil {
				t.Fatal(err)
			}
			evs := f.events("lease.expiring_soon")
			if st.threshold == 0 {
				if len(evs) != seen {
					t.Fatalf("%s: unexpected alert %s", st.at, evs[len(evs)-1].Data)
				}
				continue
			}
			if len(evs) != seen+1 {
				t.Fatalf("%s: %d alerts, want %d", st.at, len(evs), seen+1)
			}
			seen++
			id, days, threshold, end := expiring(t, evs[len(evs)-1])
			if id != l.ID || days != st.days || threshold != st.threshold || end != "2025-12-31" {
				t.Fatalf("%s: alert for lease %d, %d days, threshold %d, end %s", st.at, id, days, threshold, end)
			}
		}
		if n := len(f.events("lease.expired")); n != 0 {
			t.Fatalf("expired on its last day: %d", n)
		}
		if st := f.unitStatus(f.unit); st != "occupied" {
			t.Fatalf("unit %s", st)
		}
		// The day after its end, it expires, once, and the unit is vacant.
		f.pass("2026-01-01")
		f.pass("2026-01-02")
		exp := f.events("lease.expired")
		if len(exp) != 1 {
			t.Fatalf("%d lease.expired events", len(exp))
		}
		got, _ := f.svc.Lease(f.ctx, f.org, l.ID)
		if got.Status != "expired" {
			t.Fatalf("status %s", got.Status)
		}
		if st := f.unitStatus(f.unit); st != "vacant" {
			t.Fatalf("unit %s after expiry", st)
		}
		_, err := f.svc.TerminateLease(f.ctx, f.org, l.ID, porter.TerminateInput{})
		wantCode(t, err, porter.ECONFLICT, "is expired")

		// Renewing an expired lease makes it active again, takes the unit
		// back and arms the alerts for the new end date.
		got, err = f.svc.RenewLease(f.ctx, f.org, l.ID, porter.RenewInput{EndDate: ptr("2026-01-20")})
		if err != nil || got.Status != "active" {
			t.Fatalf("renew expired: %+v, %v", got, err)
		}
		if st := f.unitStatus(f.unit); st != "occupied" {
			t.Fatalf("unit %s after renewal", st)
		}
		f.pass("2026-01-03")
		evs := f.events("lease.expiring_soon")
		if len(evs) != seen+1 {
			t.Fatalf("renewal did not re-arm: %d alerts", len(evs))
		}
		if _, days, threshold, end := expiring(t, evs[len(evs)-1]); days != 17 || threshold != 30 || end != "2026-01-20" {
			t.Fatalf("re-armed alert: %d days, threshold %d, end %s", days, threshold, end)
		}
		// Renewing to the end date it has had is refused.
		_, err = f.svc.RenewLease(f.ctx, f.org, l.ID, porter.RenewInput{EndDate: ptr("2026-01-20")})
		wantCode(t, err, porter.EINVALID, "end_date")
		_, err = f.svc.RenewLease(f.ctx, f.org, l.ID, porter.RenewInput{EndDate: ptr("2026-01-02")})
		wantCode(t, err, porter.EINVALID, "must not be in the past")
	})
}

func TestLeaseSchedulerTightestThreshold(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newLeaseFixture(t, s, 90, 30, 60)
		// Created 20 days before its end: all three thresholds are crossed.
		f.now = time.Date(2025, 6, 10, 8, 0, 0, 0, time.UTC)
		l := f.activeLease(f.unit, "2025-01-01", "2025-06-30")
		f.pass("2025-06-10")
		f.pass("2025-06-11")
		if err := f.newService().RunLeasePass(f.ctx, f.now); err != nil {
			t.Fatal(err)
		}
		evs := f.events("lease.expiring_soon")
		if len(evs) != 1 {
			t.Fatalf("%d alerts, want 1", len(evs))
		}
		if id, days, threshold, _ := expiring(t, evs[0]); id != l.ID || days != 20 || threshold != 30 {
			t.Fatalf("alert: lease %d, %d days, threshold %d", id, days, threshold)
		}
		// Renewed a year on: alerts fire again, 90 first.
		if _, err := f.svc.RenewLease(f.ctx, f.org, l.ID, porter.RenewInput{EndDate: ptr("2026-06-30")}); err != nil {
			t.Fatal(err)
		}
		f.pass("2026-04-01")
		evs = f.events("lease.expiring_soon")
		if len(evs) != 2 {
			t.Fatalf("%d alerts after renewal, want 2", len(evs))
		}
		if _, days, threshold, end := expiring(t, evs[1]); days != 90 || threshold != 90 || end != "2026-06-30" {
			t.Fatalf("alert after renewal: %d days, threshold %d, end %s", days, threshold, end)
		}
	})
}

func TestLeaseSchedulerOrganizations(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newLeaseFixture(t, s) // default [60]
		a := f.activeLease(f.unit, "2025-01-01", "2025-07-01")
		g := newLeaseFixture(t, s, 30)
		g.svc = f.svc // one scheduler serves every organization
		b := g.activeLease(g.unit, "2025-01-01", "2025-07-01")
		f.pass("2025-05-09") // 53 days left: inside 60, outside 30
		if evs := f.events("lease.expiring_soon"); len(evs) != 1 {
			t.Fatalf("org A: %d alerts", len(evs))
		} else if id, _, threshold, _ := expiring(t, evs[0]); id != a.ID || threshold != 60 {
			t.Fatalf("org A alert for %d at %d", id, threshold)
		}
		if evs := g.events("lease.expiring_soon"); len(evs) != 0 {
			t.Fatalf("org B alerted at 53 days with threshold 30")
		}
		f.pass("2025-06-01")
		if evs := g.events("lease.expiring_soon"); len(evs) != 1 {
			t.Fatalf("org B: %d alerts", len(evs))
		} else if id, _, _, _ := expiring(t, evs[0]); id != b.ID {
			t.Fatalf("org B alert for lease %d", id)
		}
		// Changing the thresholds takes effect on the next pass; a new
		// tighter threshold fires, the ones already passed do not.
		if _, err := f.svc.UpdateOrganization(f.ctx, f.org, porter.OrganizationInput{LeaseAlertDays: &[]int{7, 60, 90}}); err != nil {
			t.Fatal(err)
		}
		f.pass("2025-06-25")
		evs := f.events("lease.expiring_soon")
		if len(evs) != 2 {
			t.Fatalf("org A: %d alerts, want 2", len(evs))
		}
		if _, days, threshold, _ := expiring(t, evs[1]); days != 6 || threshold != 7 {
			t.Fatalf("org A second alert: %d days, threshold %d", days, threshold)
		}
	})
}

// unlocked is a store whose scheduler lock never refuses, so that passes
// overlap and only the alert records keep them from repeating an alert.
type unlocked struct{ porter.Store }

func (unlocked) TryLock(context.Context, string) (func(), bool, error) { return func() {}, true, nil }

func TestLeaseSchedulerConcurrentPasses(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newLeaseFixture(t, s, 30, 60, 90)
		f.now = time.Date(2025, 4, 1, 9, 0, 0, 0, time.UTC)
		var leases []*porter.Lease
		for i, end := range []string{"2025-06-01", "2025-07-01", "2025-08-01", "2025-05-01"} {
			leases = append(leases, f.activeLease(f.newUnit("C"+itoa(int64(i))), "2025-01-01", end))
		}
		// The last one ended before today: it expires.
		f.now = time.Date(2025, 5, 9, 9, 0, 0, 0, time.UTC)
		for _, store := range []porter.Store{s, unlocked{s}} {
			var wg sync.WaitGroup
			errs := make(chan error, 8)
			for range 8 {
				svc := porter.NewService(store, "", nil)
				wg.Add(1)
				go func() {
					defer wg.Done()
					errs <- svc.RunLeasePass(f.ctx, f.now)
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
		}
		evs := f.events("lease.expiring_soon")
		if len(evs) != 3 {
			t.Fatalf("%d alerts, want 3", len(evs))
		}
		got := map[int64]int{}
		for _, e := range evs {
			id, _, threshold, _ := expiring(t, e)
			got[id] = threshold
		}
		if got[leases[0].ID] != 30 || got[leases[1].ID] != 60 || got[leases[2].ID] != 90 {
			t.Fatalf("alerts by lease: %v", got)
		}
		if n := len(f.events("lease.expired")); n != 1 {
			t.Fatalf("%d lease.expired events, want 1", n)
		}
	})
}

func TestLeaseSchedulerLoop(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newLeaseFixture(t, s)
		f.activeLease(f.unit, "2025-01-01", "2025-06-01")
		ctx, cancel := context.WithCancel(f.ctx)
		done := make(chan struct{})
		go func() {
			f.svc.RunLeaseScheduler(ctx, time.Millisecond, nil)
			close(done)
		}()
		deadline := time.Now().Add(10 * time.Second)
		for len(f.events("lease.expiring_soon")) == 0 && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		cancel()
		<-done
		if n := len(f.events("lease.expiring_soon")); n != 1 {
			t.Fatalf("%d alerts from the loop, want 1", n)
		}
	})
}

func TestOrganizationSettings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newLeaseFixture(t, s)
		org, err := f.svc.Organization(f.ctx, f.org)
		if err != nil || org.Name != "Acme" || len(org.LeaseAlertDays) != 1 || org.LeaseAlertDays[0] != 60 {
			t.Fatalf("org = %+v, %v", org, err)
		}
		before := f.eventCount()
		for _, bad := range [][]int{{0}, {366}, {-5}, {30, 30}, {1, 2, 3, 4, 5, 6}} {
			_, err := f.svc.UpdateOrganization(f.ctx, f.org, porter.OrganizationInput{LeaseAlertDays: &bad})
			wantCode(t, err, porter.EINVALID, "lease_alert_days")
		}
		_, err = f.svc.UpdateOrganization(f.ctx, f.org, porter.OrganizationInput{Name: ptr(" ")})
		wantCode(t, err, porter.EINVALID, "name is required")
		if f.eventCount() != before {
			t.Fatal("invalid settings recorded events")
		}
		org, err = f.svc.UpdateOrganization(f.ctx, f.org, porter.OrganizationInput{Name: ptr("Acme Homes"), LeaseAlertDays: &[]int{90, 30, 60}})
		if err != nil || org.Name != "Acme Homes" || len(org.LeaseAlertDays) != 3 || org.LeaseAlertDays[0] != 30 {
			t.Fatalf("update = %+v, %v", org, err)
		}
		ev := f.events("organization.updated")
		if len(ev) != 1 || !strings.Contains(string(ev[0].PreviousAttributes), `"lease_alert_days":[60]`) {
			t.Fatalf("organization.updated = %+v", ev)
		}
		orgs, _ := s.Organizations(f.ctx)
		if orgs[0].LeaseAlertDays[2] != 90 {
			t.Fatalf("stored = %+v", orgs[0])
		}
		// An empty list turns the alerts off.
		org, err = f.svc.UpdateOrganization(f.ctx, f.org, porter.OrganizationInput{LeaseAlertDays: &[]int{}})
		if err != nil || org.LeaseAlertDays == nil || len(org.LeaseAlertDays) != 0 {
			t.Fatalf("empty = %+v, %v", org, err)
		}
		f.activeLease(f.unit, "2025-01-01", "2025-05-20")
		f.pass("2025-05-10")
		if n := len(f.events("lease.expiring_soon")); n != 0 {
			t.Fatalf("%d alerts with alerts off", n)
		}
	})
}

// Seed 000's default renewal window: lease.expiring_soon 60 days before
// the end, not 61, under a clock the test moves.
func TestLeaseSchedulerDefaultSixtyDays(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newLeaseFixture(t, s)
		f.activeLease(f.unit, "2025-05-01", "2025-12-31")
		f.pass("2025-10-31") // 61 days left
		if evs := f.events("lease.expiring_soon"); len(evs) != 0 {
			t.Fatalf("alerted 61 days before the end: %s", evs[0].Data)
		}
		f.pass("2025-11-01") // 60 days left
		evs := f.events("lease.expiring_soon")
		if len(evs) != 1 || !strings.Contains(string(evs[0].Data), `"days_remaining":60`) {
			t.Fatalf("60 days before the end: %d alerts", len(evs))
		}
	})
}
