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
