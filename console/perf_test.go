package console_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"testing"
	"time"

	"porter"
	"porter/console"
	porterhttp "porter/http"
	"porter/storetest"
)

// perfSite is the console's handler on a store, called in process (no
// network: the time measured is the server's), with an admin signed in.
type perfSite struct {
	handler  http.Handler
	cookie   *http.Cookie
	svc      *porter.Service
	org      int64
	property int64
	tenant   int64
	now      time.Time
}

func newPerfSite(tb testing.TB, st porter.Store) *perfSite {
	tb.Helper()
	ctx := context.Background()
	now := time.Date(2026, 5, 9, 14, 30, 0, 0, time.UTC)
	svc := porter.NewService(st, "http://127.0.0.1", nil)
	svc.Now = func() time.Time { return now }
	p := &perfSite{svc: svc, now: now,
		handler: console.New(svc, console.Config{}, nil).Mount(porterhttp.NewServer(svc, porterhttp.Config{}, nil))}
	org, err := svc.CreateOrganization(ctx, "Acme")
	mustTB(tb, err)
	p.org = org.ID
	u, err := svc.CreateUser(ctx, p.org, porter.UserInput{Email: "admin@acme.test", Role: porter.RoleAdmin, Password: password})
	mustTB(tb, err)
	token, err := svc.StartSession(ctx, u)
	mustTB(tb, err)
	p.cookie = &http.Cookie{Name: "porter_session", Value: token}
	prop, err := svc.CreateProperty(ctx, p.org, porter.PropertyInput{Name: ptr("Maple Court")})
	mustTB(tb, err)
	p.property = prop.ID
	tn, err := svc.CreateTenant(ctx, p.org, porter.TenantInput{Email: ptr("jane@example.com"), FirstName: ptr("Jane"), LastName: ptr("Smith")})
	mustTB(tb, err)
	p.tenant = tn.ID
	return p
}

// get serves one GET and returns its status and how long the server took.
func (p *perfSite) get(tb testing.TB, path string) (int, time.Duration) {
	tb.Helper()
	req := httptest.NewRequest("GET", path, nil)
	req.AddCookie(p.cookie)
	rec := httptest.NewRecorder()
	start := time.Now()
	p.handler.ServeHTTP(rec, req)
	return rec.Code, time.Since(start)
}

// perfPaths are the pages the benchmark times and the query test bounds:
// every list and a record page of each kind that the seed fills. Call it
// after seeding: it names the newest work order.
func perfPaths(tb testing.TB, p *perfSite) []string {
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	wos, err := p.svc.WorkOrders(context.Background(), p.org, porter.WorkOrderFilter{ListParams: porter.ListParams{Page: 1, PerPage: 1}})
	mustTB(tb, err)
	if len(wos.Items) == 0 {
		tb.Fatal("no work order seeded")
	}
	paths := []string{"/", "/work-orders", "/work-orders?q=order+99", "/work-orders?overdue=1", "/work-orders/" + id(wos.Items[0].ID), "/properties", "/properties/" + id(p.property),
		"/units", "/tenants", "/tenants/" + id(p.tenant), "/leases", "/charges", "/payments", "/inspections", "/vendors",
		"/staff", "/documents", "/broadcasts", "/catalog", "/settings/users", "/settings/api-keys", "/settings/webhooks"}
	paths = append(paths, integrationPerfPaths(tb, p)...) // Settings → Integrations
	paths = append(paths, residentPerfPaths(tb, p)...)    // defects, visitor passes, amenities
	return append(paths, strPerfPaths(tb, p)...)
}

// BenchmarkConsole times pages with 10,000 work orders and 100,000
// deliveries in the database, on each engine, and reports the server
// time's p50 and p95 over perfRequests requests (after a warm-up):
//
//	PORTER_TEST_REQUIRE_POSTGRES=1 go test ./console -run '^$' -bench Console -benchtime 1x
func BenchmarkConsole(b *testing.B) {
	const perfRequests = 100
	for _, engine := range storetest.Engines {
		b.Run(engine, func(b *testing.B) {
			st := storetest.Open(b, engine)
			p := newPerfSite(b, st)
			start := time.Now()
			seedBulk(b, st, p.org, p.property, p.tenant, p.now, bulk{WorkOrders: 10000, Deliveries: 100000, Payments: 5000, Charges: 2000})
			seedSTR(b, p, 500)
			seedResidents(b, p, 500) // defects, visitor passes, amenities
			if engine == storetest.Postgres {
				// What autovacuum does soon after a bulk load: statistics for
				// the planner and a visibility map for index-only scans.
				storetest.Exec(b, st, "VACUUM ANALYZE")
			}
			d, err := p.svc.Dashboard(context.Background(), p.org)
			mustTB(b, err)
			b.Logf("%s: seeded in %v: %d open work orders, %d SLA breaches, %d failed deliveries in 24 h",
				engine, time.Since(start).Round(time.Millisecond), d.OpenWorkOrders, d.SLABreaches, d.FailedDeliveries)
			if d.OpenWorkOrders != 5000 || d.FailedDeliveries == 0 {
				b.Fatalf("the seed is not what the benchmark says: %+v", d.DashboardCounts)
			}
			for _, path := range perfPaths(b, p) {
				b.Run(path, func(b *testing.B) {
					for range b.N {
						for range 5 {
							p.get(b, path)
						}
						times := make([]time.Duration, perfRequests)
						for i := range times {
							code, d := p.get(b, path)
							if code != http.StatusOK {
								b.Fatalf("GET %s: %d", path, code)
							}
							times[i] = d
						}
						slices.Sort(times)
						p50, p95 := times[len(times)/2], times[len(times)*95/100]
						b.ReportMetric(float64(p50.Microseconds())/1000, "p50-ms")
						b.ReportMetric(float64(p95.Microseconds())/1000, "p95-ms")
					}
				})
			}
		})
	}
}

// maxQueries bounds the SQL queries (transaction control not counted)
// that one page may run, whatever the data's size.
const maxQueries = 8

// A page runs a small, fixed number of statements, the same for 1 record
// of each kind as for 50: no query per row (N+1).
func TestConsoleQueryCounts(t *testing.T) {
	for _, engine := range storetest.Engines {
		t.Run(engine, func(t *testing.T) {
			counts := map[int][]int{}     // queries, by position in perfPaths
			statements := map[int][]int{} // with BEGIN and COMMIT
			var paths []string
			for _, n := range []int{1, 50} {
				st, counter := storetest.OpenCounting(t, engine)
				p := newPerfSite(t, st)
				ctx := context.Background()
				for i := range n {
					_, err := p.svc.CreateUnit(ctx, p.org, porter.UnitInput{PropertyID: &p.property, Name: ptr(fmt.Sprintf("U%d", i))})
					must(t, err)
					_, err = p.svc.CreateUser(ctx, p.org, porter.UserInput{Email: fmt.Sprintf("u%d@acme.test", i), Password: password})
					must(t, err)
				}
				seedBulk(t, st, p.org, p.property, p.tenant, p.now, bulk{WorkOrders: n, Deliveries: n, Payments: n, Charges: n})
				seedSTR(t, p, n)
				seedIntegrations(t, p, n) // Settings → Integrations
				seedResidents(t, p, n)    // defects, visitor passes, amenities
				paths = perfPaths(t, p)
				for i, path := range paths {
					counter.Reset()
					code, _ := p.get(t, path)
					if code != http.StatusOK {
						t.Fatalf("GET %s: %d", path, code)
					}
					counts[i] = append(counts[i], counter.Queries())
					statements[i] = append(statements[i], counter.Count())
				}
			}
			for i, path := range paths {
				c := counts[i]
				t.Logf("%s: %d queries (%d statements) with 1 record of each kind, %d (%d) with 50", path, c[0], statements[i][0], c[1], statements[i][1])
				if c[1] > maxQueries || c[1] > c[0] {
					t.Errorf("%s: %d queries with 1 record, %d with 50: want at most %d and no more with more rows", path, c[0], c[1], maxQueries)
				}
			}
		})
	}
}

func mustTB(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}
