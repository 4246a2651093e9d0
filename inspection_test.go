package porter_test

import (
	"context"
	"testing"
	"time"

	"porter"
	"porter/storetest"
)

// TestInspectionsListItems: a page of inspections comes with each one's
// own checklist, in order, read in one query for the page.
func TestInspectionsListItems(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		ctx := context.Background()
		svc, org := newService(t, s)
		p, err := svc.CreateProperty(ctx, org, porter.PropertyInput{Name: ptr("P")})
		if err != nil {
			t.Fatal(err)
		}
		when := porter.NewTime(time.Date(2025, 6, 1, 9, 0, 0, 0, time.UTC))
		want := map[int64][]string{}
		for _, labels := range [][]string{{"Doors", "Windows"}, nil, {"Smoke detector"}} {
			in := porter.InspectionInput{PropertyID: &p.ID, ScheduledFor: &when}
			for _, l := range labels {
				in.Items = append(in.Items, porter.InspectionItemSeed{Label: l})
			}
			insp, err := svc.CreateInspection(ctx, org, in)
			if err != nil {
				t.Fatal(err)
			}
			want[insp.ID] = labels
		}
		list, err := svc.Inspections(ctx, org, porter.InspectionFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(list.Items) != 3 {
			t.Fatalf("%d inspections", len(list.Items))
		}
		for _, insp := range list.Items {
			if insp.Items == nil || len(insp.Items) != len(want[insp.ID]) {
				t.Fatalf("inspection %d: items %v, want %v", insp.ID, insp.Items, want[insp.ID])
			}
			for i, it := range insp.Items {
				if it.Label != want[insp.ID][i] || it.InspectionID != insp.ID {
					t.Errorf("inspection %d item %d: %+v", insp.ID, i, it)
				}
			}
		}
	})
}
