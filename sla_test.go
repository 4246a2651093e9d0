package porter_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"porter"
	"porter/storetest"
)

func TestSLAPass(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		ctx := context.Background()
		svc, org := newService(t, s)
		start := svc.Now()
		other := &porter.Organization{Name: "Other", CreatedAt: start}
		if err := s.CreateOrganization(ctx, other); err != nil {
			t.Fatal(err)
		}
		open := func(org int64, priority string) *porter.WorkOrder {
			t.Helper()
			p, err := svc.CreateProperty(ctx, org, porter.PropertyInput{Name: ptr("P")})
			if err != nil {
				t.Fatal(err)
			}
			w, err := svc.CreateWorkOrder(ctx, org, porter.WorkOrderInput{PropertyID: &p.ID, Title: ptr("Leak"), Description: ptr("Water"), Priority: ptr(priority)})
			if err != nil {
				t.Fatal(err)
			}
			return w
		}
		emergency := open(org, "emergency")
		high := open(org, "high")
		low := open(org, "low")
		done := open(org, "emergency") // completed in time: never breached
		cancelled := open(org, "emergency")
		theirs := open(other.ID, "emergency")
		vendor, err := svc.CreateVendor(ctx, org, porter.VendorInput{Name: ptr("V")})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.AssignWorkOrder(ctx, org, done.ID, porter.WorkOrderAssignment{VendorID: &vendor.ID}); err != nil {
			t.Fatal(err)
		}
		for _, step := range []func(context.Context, int64, int64) (*porter.WorkOrder, error){svc.StartWorkOrder, func(ctx context.Context, org, id int64) (*porter.WorkOrder, error) {
			return svc.CompleteWorkOrder(ctx, org, id, porter.WorkOrderCompletion{})
		}} {
			if _, err := step(ctx, org, done.ID); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := svc.CancelWorkOrder(ctx, org, cancelled.ID); err != nil {
			t.Fatal(err)
		}

		breached := func(org int64) map[int64]*porter.WorkOrder {
			t.Helper()
			l, err := svc.WorkOrders(ctx, org, porter.WorkOrderFilter{ListParams: porter.ListParams{PerPage: 100}})
			if err != nil {
				t.Fatal(err)
			}
			out := map[int64]*porter.WorkOrder{}
			for _, w := range l.Items {
				if w.SLABreachedAt != nil {
					out[w.ID] = w
				}
			}
			return out
		}
		slaEvents := func(org int64) []*porter.Event {
			t.Helper()
			l, err := svc.Events(ctx, org, porter.EventFilter{Types: []string{"work_order.sla_breached"}, ListParams: porter.ListParams{PerPage: 100}})
			if err != nil {
				t.Fatal(err)
			}
			return l.Items
		}

		// Exactly at creation nothing is due.
		if n, err := svc.RunSLAPass(ctx, start); err != nil || n != 0 {
			t.Fatalf("pass at start: %d, %v", n, err)
		}
		// Four hours on, the open emergencies are due, in both organizations.
		at := start.Add(4 * time.Hour)
		if n, err := svc.RunSLAPass(ctx, at); err != nil || n != 2 {
			t.Fatalf("pass at +4h: %d, %v", n, err)
		}
		b := breached(org)
		if len(b) != 1 || b[emergency.ID] == nil || !b[emergency.ID].SLABreachedAt.Equal(at) {
			t.Fatalf("breached at +4h: %v", b)
		}
		if len(breached(other.ID)) != 1 || breached(other.ID)[theirs.ID] == nil {
			t.Fatal("other organization not passed")
		}
		evs := slaEvents(org)
		if len(evs) != 1 || evs[0].ResourceID != emergency.ID {
			t.Fatalf("events: %v", evs)
		}
		var prev map[string]any
		json.Unmarshal(evs[0].PreviousAttributes, &prev)
		if v, ok := prev["sla_breached_at"]; !ok || v != nil {
			t.Fatalf("previous_attributes = %s", evs[0].PreviousAttributes)
		}
		// Idempotent: again at the same time, or later, breaches nothing new.
		if n, err := svc.RunSLAPass(ctx, at.Add(time.Hour)); err != nil || n != 0 {
			t.Fatalf("second pass: %d, %v", n, err)
		}
		// A week on, the high and low ones too; never the completed or the
		// cancelled one.
		if n, err := svc.RunSLAPass(ctx, start.Add(8*24*time.Hour)); err != nil || n != 2 {
			t.Fatalf("pass at +8d: %d, %v", n, err)
		}
		b = breached(org)
		if len(b) != 3 || b[high.ID] == nil || b[low.ID] == nil || b[done.ID] != nil || b[cancelled.ID] != nil {
			t.Fatalf("breached at +8d: %v", b)
		}
		if n, err := svc.RunSLAPass(ctx, start.Add(30*24*time.Hour)); err != nil || n != 0 {
			t.Fatalf("last pass: %d, %v", n, err)
		}
		if len(slaEvents(org)) != 3 {
			t.Fatalf("%d sla_breached events, want 3", len(slaEvents(org)))
		}
		// A breached work order keeps its mark through later changes.
		w, err := svc.UpdateWorkOrder(ctx, org, low.ID, porter.WorkOrderPatch{Priority: ptr("high")})
		if err != nil || w.SLABreachedAt == nil {
			t.Fatalf("after update: %+v, %v", w, err)
		}

		// Another holder of the lock means this node skips the pass.
		release, ok, err := s.TryLock(ctx, "sla-scheduler")
		if err != nil || !ok {
			t.Fatalf("lock: %v %v", ok, err)
		}
		open(org, "emergency")
		if n, err := svc.RunSLAPass(ctx, start.Add(60*24*time.Hour)); err != nil || n != 0 {
			t.Fatalf("pass without the lock: %d, %v", n, err)
		}
		release()
		if n, err := svc.RunSLAPass(ctx, start.Add(60*24*time.Hour)); err != nil || n != 1 {
			t.Fatalf("pass after release: %d, %v", n, err)
		}
	})
}

// TestSLAPassBatches: a backlog larger than one transaction's batch is
// marked in full, each once.
func TestSLAPassBatches(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		ctx := context.Background()
		svc, org := newService(t, s)
		p, err := svc.CreateProperty(ctx, org, porter.PropertyInput{Name: ptr("P")})
		if err != nil {
			t.Fatal(err)
		}
		const n = 450
		for i := 0; i < n; i++ {
			if _, err := svc.CreateWorkOrder(ctx, org, porter.WorkOrderInput{PropertyID: &p.ID, Title: ptr("T"), Description: ptr("D"), Priority: ptr("emergency")}); err != nil {
				t.Fatal(err)
			}
		}
		if got, err := svc.RunSLAPass(ctx, svc.Now().Add(5*time.Hour)); err != nil || got != n {
			t.Fatalf("pass: %d, %v", got, err)
		}
		l, err := svc.Events(ctx, org, porter.EventFilter{Types: []string{"work_order.sla_breached"}})
		if err != nil || l.Total != n {
			t.Fatalf("%d events, %v", l.Total, err)
		}
	})
}

func TestSLAScheduler(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		svc, org := newService(t, s)
		p, err := svc.CreateProperty(ctx, org, porter.PropertyInput{Name: ptr("P")})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.CreateWorkOrder(ctx, org, porter.WorkOrderInput{PropertyID: &p.ID, Title: ptr("T"), Description: ptr("D"), Priority: ptr("emergency")}); err != nil {
			t.Fatal(err)
		}
		later := svc.Now().Add(5 * time.Hour)
		svc.Now = func() time.Time { return later }
		stopped := make(chan struct{})
		go func() {
			svc.RunSLAScheduler(ctx, time.Hour, nil)
			close(stopped)
		}()
		deadline := time.Now().Add(10 * time.Second)
		for {
			l, err := svc.Events(context.Background(), org, porter.EventFilter{Types: []string{"work_order.sla_breached"}})
			if err != nil {
				t.Fatal(err)
			}
			if l.Total == 1 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("the scheduler did not run a pass at start")
			}
			time.Sleep(10 * time.Millisecond)
		}
		cancel()
		select {
		case <-stopped:
		case <-time.After(10 * time.Second):
			t.Fatal("the scheduler did not stop")
		}
	})
}
