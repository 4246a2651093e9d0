package http_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"porter"
	"porter/postgres"
	"porter/storetest"
)

// addEvents inserts n events of org straight in SQL, numbered from first,
// cycling through four event types: set-up for list benchmarks, outside
// any timed region.
func addEvents(b *testing.B, s porter.Store, org int64, first, n int) {
	b.Helper()
	names := porter.EventNames()
	types := fmt.Sprintf("CASE (n %% 4) WHEN 0 THEN '%s' WHEN 1 THEN '%s' WHEN 2 THEN '%s' ELSE '%s' END", names[0], names[1], names[2], names[3])
	cols := fmt.Sprintf(`INSERT INTO events (org_id, type, fired_at, resource_type, resource_id, data)
SELECT %d, %s, '%s', 'tenant', n, '{"id":1,"email":"jane@example.com","first_name":"Jane"}'`, org, types, storetest.TS)
	if db, ok := s.(*postgres.DB); ok {
		// The outbox trigger would queue each event for fan-out: nothing
		// here delivers, so load the table alone.
		storetest.Exec(b, db, `ALTER TABLE events DISABLE TRIGGER USER`)
		storetest.Exec(b, db, fmt.Sprintf(`%s FROM generate_series(%d, %d) AS n`, cols, first, first+n-1))
		storetest.Exec(b, db, `ALTER TABLE events ENABLE TRIGGER USER`)
		storetest.Exec(b, db, `ANALYZE events`)
		return
	}
	storetest.Exec(b, s, fmt.Sprintf(`WITH RECURSIVE c(n) AS (SELECT %d UNION ALL SELECT n + 1 FROM c WHERE n < %d) %s FROM c`, first, first+n-1, cols))
	storetest.Exec(b, s, `ANALYZE`)
}

// BenchmarkListEvents shows that a page of GET /v1/events costs the same
// at 10k and 1M events: the total is counted up to porter.TotalCap, and a
// starting_after cursor seeks by id instead of skipping rows. Each request
// goes through the whole handler stack, one at a time.
func BenchmarkListEvents(b *testing.B) {
	for _, engine := range storetest.Engines {
		b.Run(engine, func(b *testing.B) {
			e := newBenchEnv(b, engine)
			store := e.svc.Store
			have := 0
			for _, size := range []int{10_000, 100_000, 1_000_000} {
				addEvents(b, store, e.org, have+1, size-have)
				have = size
				l, err := e.svc.Events(b.Context(), e.org, porter.EventFilter{ListParams: porter.ListParams{PerPage: 1}})
				if err != nil || len(l.Items) != 1 {
					b.Fatalf("events: %v", err)
				}
				newest := l.Items[0].Seq
				for _, c := range []struct{ name, path string }{
					{"per_page=1", "/v1/events?per_page=1"},
					{"per_page=100", "/v1/events?per_page=100"},
					{"type", "/v1/events?per_page=25&type=" + porter.EventNames()[1]},
					{"starting_after_middle", fmt.Sprintf("/v1/events?per_page=25&starting_after=%d", newest-int64(size/2))},
				} {
					b.Run(fmt.Sprintf("events=%d/%s", size, c.name), func(b *testing.B) {
						b.ReportAllocs()
						for b.Loop() {
							req := httptest.NewRequest(http.MethodGet, c.path, nil)
							req.Header.Set("Authorization", "Bearer "+e.key)
							rec := httptest.NewRecorder()
							e.handler.ServeHTTP(rec, req)
							if rec.Code != http.StatusOK {
								b.Fatalf("%s: %d %s", c.path, rec.Code, rec.Body)
							}
						}
					})
				}
			}
		})
	}
}
