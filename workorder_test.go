package porter_test

import (
	"context"
	"testing"
	"time"

	"porter"
	"porter/storetest"
)

// TestWorkOrderTransitionLocks: a transition reads the work order it changes
// under a lock, so a second transition waits for the first and then sees its
// status, on PostgreSQL (row lock) as on SQLite (one writer).
func TestWorkOrderTransitionLocks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		ctx := context.Background()
		svc, org := newService(t, s)
		p, err := svc.CreateProperty(ctx, org, porter.PropertyInput{Name: ptr("P")})
		if err != nil {
			t.Fatal(err)
		}
		w, err := svc.CreateWorkOrder(ctx, org, porter.WorkOrderInput{PropertyID: &p.ID, Title: ptr("T"), Description: ptr("D")})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.AssignWorkOrder(ctx, org, w.ID, porter.WorkOrderAssignment{AssignedTo: ptr("Bob")}); err != nil {
			t.Fatal(err)
		}
		read, proceed, first := make(chan struct{}), make(chan struct{}), make(chan error, 1)
		go func() {
			first <- s.Update(ctx, org, func(tx porter.Tx) error {
				cur, err := tx.WorkOrderForUpdate(ctx, w.ID)
				if err != nil {
					return err
				}
				close(read)
				<-proceed
				cur.Status, cur.UpdatedAt = porter.WorkOrderInProgress, time.Now().UTC()
				return tx.UpdateWorkOrder(ctx, cur)
			})
		}()
		<-read
		second := make(chan error, 1)
		go func() {
			_, err := svc.StartWorkOrder(ctx, org, w.ID)
			second <- err
		}()
		select {
		case err := <-second:
			close(proceed)
			<-first
			t.Fatalf("a second transition ran while the first held the work order: %v", err)
		case <-time.After(300 * time.Millisecond):
		}
		close(proceed)
		if err := <-first; err != nil {
			t.Fatal(err)
		}
		if err := <-second; porter.ErrorCode(err) != porter.ECONFLICT {
			t.Fatalf("second transition: %v, want a conflict", err)
		}
	})
}

// TestWorkOrderSearchAndOverdue: the list finds work orders by a piece of
// their title, whatever its case, and keeps only the unresolved ones past
// their SLA deadline when asked for the overdue ones.
func TestWorkOrderSearchAndOverdue(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		ctx := context.Background()
		svc, org := newService(t, s)
		now := svc.Now()
		svc.Now = func() time.Time { return now }
		p, err := svc.CreateProperty(ctx, org, porter.PropertyInput{Name: ptr("P")})
		if err != nil {
			t.Fatal(err)
		}
		ids := map[string]int64{}
		for title, priority := range map[string]string{"Leaking sink": "normal", "Broken window": "emergency", "Sink 50% clogged": "low"} {
			w, err := svc.CreateWorkOrder(ctx, org, porter.WorkOrderInput{PropertyID: &p.ID, Title: ptr(title), Description: ptr("D"), Priority: ptr(priority)})
			if err != nil {
				t.Fatal(err)
			}
			ids[title] = w.ID
		}
		count := func(f porter.WorkOrderFilter) int {
			t.Helper()
			l, err := svc.WorkOrders(ctx, org, f)
			if err != nil {
				t.Fatal(err)
			}
			if l.Total != len(l.Items) {
				t.Fatalf("total %d, items %d", l.Total, len(l.Items))
			}
			return l.Total
		}
		for _, tc := range []struct {
			f    porter.WorkOrderFilter
			want int
		}{
			{porter.WorkOrderFilter{Search: "sink"}, 2},
			{porter.WorkOrderFilter{Search: "  SINK "}, 2},
			{porter.WorkOrderFilter{Search: "50%"}, 1},
			{porter.WorkOrderFilter{Search: "roof"}, 0},
			{porter.WorkOrderFilter{Search: "sink", Priority: "low"}, 1},
			{porter.WorkOrderFilter{Overdue: true}, 0},
		} {
			if got := count(tc.f); got != tc.want {
				t.Errorf("%+v: %d work orders, want %d", tc.f, got, tc.want)
			}
		}
		now = now.Add(5 * time.Hour) // past the emergency's 4 hours only
		if got := count(porter.WorkOrderFilter{Overdue: true}); got != 1 {
			t.Fatalf("overdue after 5 h: %d, want 1", got)
		}
		if _, err := svc.CancelWorkOrder(ctx, org, ids["Broken window"]); err != nil {
			t.Fatal(err)
		}
		if got := count(porter.WorkOrderFilter{Overdue: true}); got != 0 {
			t.Fatalf("a cancelled work order is overdue: %d", got)
		}
	})
}

// TestWorkOrderCost: completing a work order records what it cost, in
// cents on both engines; a negative cost is refused and writes nothing.
func TestWorkOrderCost(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		ctx := context.Background()
		svc, org := newService(t, s)
		p, err := svc.CreateProperty(ctx, org, porter.PropertyInput{Name: ptr("P")})
		if err != nil {
			t.Fatal(err)
		}
		w, err := svc.CreateWorkOrder(ctx, org, porter.WorkOrderInput{PropertyID: &p.ID, Title: ptr("T"), Description: ptr("D")})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.AssignWorkOrder(ctx, org, w.ID, porter.WorkOrderAssignment{AssignedTo: ptr("Bob")}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.StartWorkOrder(ctx, org, w.ID); err != nil {
			t.Fatal(err)
		}
		_, err = svc.CompleteWorkOrder(ctx, org, w.ID, porter.WorkOrderCompletion{Cost: ptr(porter.Money(-1))})
		if e, ok := err.(*porter.Error); !ok || e.Code != porter.EINVALID || e.Message != "cost must not be negative" {
			t.Fatalf("negative cost: %v", err)
		}
		if got, _ := svc.WorkOrder(ctx, org, w.ID); got.Status != porter.WorkOrderInProgress || got.Cost != 0 {
			t.Fatalf("after a refused completion: %s, cost %s", got.Status, got.Cost)
		}
		if _, err := svc.CompleteWorkOrder(ctx, org, w.ID, porter.WorkOrderCompletion{Cost: ptr(porter.Money(12550))}); err != nil {
			t.Fatal(err)
		}
		got, err := svc.WorkOrder(ctx, org, w.ID)
		if err != nil {
			t.Fatal(err)
		}
		list, err := svc.WorkOrders(ctx, org, porter.WorkOrderFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if got.Cost != 12550 || list.Items[0].Cost != 12550 || got.Cost.String() != "125.50" {
			t.Fatalf("cost %s, listed %s", got.Cost, list.Items[0].Cost)
		}
	})
}
