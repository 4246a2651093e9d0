package porter_test

import (
	"context"
	"testing"

	"porter"
	"porter/storetest"
)

// A record's events are its own, newest first, and never another
// organization's.
func TestResourceEvents(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		ctx := context.Background()
		svc, org := newService(t, s)
		other, err := svc.CreateOrganization(ctx, "Other")
		if err != nil {
			t.Fatal(err)
		}
		a, err := svc.CreateProperty(ctx, org, porter.PropertyInput{Name: ptr("A")})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.CreateProperty(ctx, org, porter.PropertyInput{Name: ptr("B")}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.UpdateProperty(ctx, org, a.ID, porter.PropertyInput{City: ptr("Springfield")}); err != nil {
			t.Fatal(err)
		}
		got, err := svc.ResourceEvents(ctx, org, "property", a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].Type != "property.updated" || got[1].Type != "property.created" {
			t.Fatalf("events of property %d: %v", a.ID, got)
		}
		if got, err := svc.ResourceEvents(ctx, other.ID, "property", a.ID); err != nil || len(got) != 0 {
			t.Fatalf("another organization sees %v, %v", got, err)
		}
	})
}
