package porter_test

import (
	"context"
	"encoding/json"
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

		// Each field changed once (the later rounds write what is already
		// there), so exactly one property.updated names each, with its old
		// value, and names nothing else.
		evs, err := svc.Events(ctx, org, porter.EventFilter{ListParams: porter.ListParams{PerPage: 100}, Types: []string{"property.updated"}})
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]any{"address": nil, "city": nil, "postal_code": nil, "country": nil, "name": "Maple"}
		seen := map[string]int{}
		for _, e := range evs.Items {
			var prev map[string]any
			if err := json.Unmarshal(e.PreviousAttributes, &prev); err != nil {
				t.Fatalf("event %s previous_attributes %s: %v", e.ID(), e.PreviousAttributes, err)
			}
			if len(prev) == 0 {
				continue // a write that changed nothing
			}
			if len(prev) != 1 {
				t.Errorf("event %s names %d fields, want the one its write changed: %s", e.ID(), len(prev), e.PreviousAttributes)
			}
			for k, v := range prev {
				old, ok := want[k]
				if !ok || (v != old && !(old == nil && v == "")) {
					t.Errorf("event %s: previous %s = %v, want %v", e.ID(), k, v, old)
				}
				seen[k]++
			}
		}
		for k := range want {
			if seen[k] != 1 {
				t.Errorf("%d events name %s as changed, want 1", seen[k], k)
			}
		}
	})
}
