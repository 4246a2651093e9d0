package porter_test

import (
	"context"
	"testing"
	"time"

	"porter"
	"porter/storetest"
)

// A scheduled run claims a source with a lease, so that of several nodes
// one fetches it: a second claim fails while the lease holds, and a source
// attempted since the run began is no longer due.
func TestICalSourceClaim(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		ctx := context.Background()
		svc, org := newService(t, s)
		p, err := svc.CreateProperty(ctx, org, porter.PropertyInput{Name: ptr("Riad")})
		if err != nil {
			t.Fatal(err)
		}
		u, err := svc.CreateUnit(ctx, org, porter.UnitInput{PropertyID: &p.ID, Name: ptr("1")})
		if err != nil {
			t.Fatal(err)
		}
		src, err := svc.CreateICalSource(ctx, org, porter.ICalSourceInput{UnitID: &u.ID, Name: ptr("Airbnb"), URL: ptr("http://127.0.0.1:9/a.ics")})
		if err != nil {
			t.Fatal(err)
		}
		now := svc.Now()
		claim := func(at time.Time) bool {
			t.Helper()
			var ok bool
			if err := s.Update(ctx, org, func(tx porter.Tx) error {
				ok, err = tx.ClaimICalSource(ctx, src.ID, at.Add(-30*time.Minute), at, at.Add(5*time.Minute))
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return ok
		}
		due := func(at time.Time) int {
			t.Helper()
			var ids []int64
			if err := s.View(ctx, org, func(tx porter.Tx) error {
				ids, err = tx.DueICalSources(ctx, at.Add(-30*time.Minute))
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return len(ids)
		}
		if due(now) != 1 || !claim(now) {
			t.Fatal("a new source is due and claimable")
		}
		if claim(now.Add(time.Minute)) {
			t.Fatal("a second node claimed a leased source")
		}
		if !claim(now.Add(6 * time.Minute)) {
			t.Fatal("an expired lease (a node that died) was not taken over")
		}
		// A run that ends records its attempt: not due, not claimable.
		if _, err := svc.SyncICalSource(ctx, org, src.ID); porter.ErrorCode(err) != porter.EUNPROCESS {
			t.Fatalf("sync without a client: %v", err)
		}
		if due(now) != 0 || claim(now.Add(20*time.Minute)) {
			t.Fatal("a source attempted just now is due again")
		}
		if due(now.Add(31*time.Minute)) != 1 || !claim(now.Add(31*time.Minute)) {
			t.Fatal("the source is due again after the interval")
		}
	})
}
