package porter_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"porter"
	"porter/storetest"
)

// Events older than the retention (README: 90 days by default) are pruned
// in batches; newer ones, and other organizations' newer ones, stay.
func TestPruneEventsPastRetention(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		ctx := context.Background()
		now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
		svc := porter.NewService(s, "", nil)
		svc.Now = func() time.Time { return now }
		org, err := svc.CreateOrganization(ctx, "Acme")
		if err != nil {
			t.Fatal(err)
		}
		insert := func(n int, firedAt time.Time) {
			ts := firedAt.UTC().Format("2006-01-02T15:04:05.000000Z")
			for i := 0; i < n; i++ {
				storetest.Exec(t, s, fmt.Sprintf(`INSERT INTO events (org_id, type, fired_at, resource_type, resource_id, data)
VALUES (%d, 'tenant.created', '%s', 'tenant', %d, '{}')`, org.ID, ts, i+1))
			}
		}
		// More than one batch (1000) past the limit, a few just inside it.
		// The pruner goes in sequence order: a younger event ahead of
		// older ones (a commit a moment late) holds nothing up.
		const old = 2100
		insert(1, now.Add(-porter.DefaultEventRetention+time.Minute))
		insert(old, now.Add(-porter.DefaultEventRetention-time.Hour))
		insert(3, now.Add(-porter.DefaultEventRetention+time.Hour))
		insert(1, now)
		n, err := svc.PruneEvents(ctx, porter.DefaultEventRetention)
		if err != nil || n != old {
			t.Fatalf("pruned %d (%v), want %d", n, err, old)
		}
		l, err := svc.Events(ctx, org.ID, porter.EventFilter{ListParams: porter.ListParams{PerPage: 100}})
		if err != nil || l.Total != 5 {
			t.Fatalf("left %d events (%v), want 5", l.Total, err)
		}
		if n, err := svc.PruneEvents(ctx, porter.DefaultEventRetention); err != nil || n != 0 {
			t.Fatalf("second pass pruned %d (%v)", n, err)
		}
		if porter.DefaultEventRetention != 90*24*time.Hour {
			t.Fatalf("default retention %v, README says 90 days", porter.DefaultEventRetention)
		}
	})
}
