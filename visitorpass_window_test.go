package porter_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"porter"
	"porter/storetest"
)

// TestVisitorPassesOfADay: VisitFrom and VisitTo keep the passes whose
// window overlaps them (a pass over midnight belongs to both days; one
// ending as the day starts to neither), on both engines.
func TestVisitorPassesOfADay(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newMeterFixture(t, s)
		ctx := context.Background()
		issue := func(name, from, until string) {
			_, err := f.svc.IssueVisitorPass(ctx, f.org, porter.VisitorPassInput{UnitID: &f.unit, VisitorName: ptr(name),
				ExpectedFrom: ptr(from), ExpectedUntil: ptr(until)})
			if err != nil {
				t.Fatal(err)
			}
		}
		issue("evening", "2025-05-10T18:00:00Z", "2025-05-10T22:00:00Z")
		issue("overnight", "2025-05-10T22:00:00Z", "2025-05-11T02:00:00Z")
		issue("ends at midnight", "2025-05-09T20:00:00Z", "2025-05-10T00:00:00Z")
		day := func(d string) []string {
			from, _ := time.Parse(porter.DateLayout, d)
			l, err := f.svc.VisitorPasses(ctx, f.org, porter.VisitorPassFilter{VisitFrom: from, VisitTo: from.AddDate(0, 0, 1)})
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, p := range l.Items {
				names = append(names, p.VisitorName)
			}
			slices.Sort(names)
			return names
		}
		for d, want := range map[string][]string{
			"2025-05-09": {"ends at midnight"},
			"2025-05-10": {"evening", "overnight"},
			"2025-05-11": {"overnight"},
			"2025-05-12": nil,
		} {
			if got := day(d); !slices.Equal(got, want) {
				t.Errorf("passes of %s: %q, want %q", d, got, want)
			}
		}
		if l, err := f.svc.VisitorPasses(ctx, f.org, porter.VisitorPassFilter{}); err != nil || l.Total != 3 {
			t.Errorf("no window: %d passes, %v", l.Total, err)
		}
	})
}
