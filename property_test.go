package porter_test

import (
	"context"
	"sync"
	"testing"

	"porter"
	"porter/storetest"
)

// Concurrent edits of different fields all land: each write locks the row
// it rewrites, so none overwrites another with a stale copy, and each
// event's previous_attributes names only what that write changed.
func TestConcurrentEditsDoNotLoseUpdates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		ctx := context.Background()
		svc, org := newService(t, s)
		p, err := svc.CreateProperty(ctx, org, porter.PropertyInput{Name: ptr("Maple")})
		if err != nil {
			t.Fatal(err)
		}
		edits := []porter.PropertyInput{
			{Address: ptr("12 Maple Street")}, {City: ptr("Springfield")}, {PostalCode: ptr("12345")},
			{Country: ptr("US")}, {Name: ptr("Maple Court")},
		}
		for round := 0; round < 4; round++ {
			var wg sync.WaitGroup
			for _, in := range edits {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if _, err := svc.UpdateProperty(ctx, org, p.ID, in); err != nil {
						t.Error(err)
					}
				}()
			}
			wg.Wait()
		}
		got, err := svc.Property(ctx, org, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Address != "12 Maple Street" || got.City != "Springfield" || got.PostalCode != "12345" || got.Country != "US" || got.Name != "Maple Court" {
			t.Fatalf("lost an update: %+v", got)
		}
	})
}
