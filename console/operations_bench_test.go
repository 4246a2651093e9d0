package console_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"porter"
	"porter/console"
	"porter/storetest"
)

// BenchmarkWorkOrderList renders the work order list, as a signed-in
// manager, over 10,000 work orders: the first page, a title search and the
// overdue filter. It reports the 95th percentile of the server's time.
func BenchmarkWorkOrderList(b *testing.B) {
	for _, engine := range storetest.Engines {
		b.Run(engine, func(b *testing.B) {
			ctx := context.Background()
			st := storetest.Open(b, engine)
			svc := porter.NewService(st, "", nil)
			now := time.Date(2026, 5, 9, 14, 30, 0, 0, time.UTC)
			svc.Now = func() time.Time { return now }
			org, err := svc.CreateOrganization(ctx, "Acme")
			mustB(b, err)
			u, err := svc.CreateUser(ctx, org.ID, porter.UserInput{Email: "m@acme.test", Role: porter.RoleManager, Password: password})
			mustB(b, err)
			token, err := svc.StartSession(ctx, u)
			mustB(b, err)
			p, err := svc.CreateProperty(ctx, org.ID, porter.PropertyInput{Name: ptr("Elm Court")})
			mustB(b, err)
			// Seeded in one transaction: 10,000 Service calls would take
			// longer than the benchmark.
			mustB(b, st.Update(ctx, org.ID, func(tx porter.Tx) error {
				for i := range 10000 {
					created := now.Add(-time.Duration(i) * time.Hour)
					w := &porter.WorkOrder{PropertyID: p.ID, Title: fmt.Sprintf("Leaking sink %d", i), Description: "d",
						Priority: porter.WorkOrderPriorities[i%4], ReportedBy: "manager", Status: porter.WorkOrderStatuses[i%8],
						AssignedTo: "Sam", DueAt: created.Add(72 * time.Hour), CreatedAt: created, UpdatedAt: created}
					if err := tx.InsertWorkOrder(ctx, w); err != nil {
						return err
					}
				}
				return nil
			}))
			h := console.New(svc, console.Config{}, nil)
			for _, path := range []string{"/work-orders", "/work-orders?q=sink+99", "/work-orders?overdue=1"} {
				b.Run(path, func(b *testing.B) {
					var took []time.Duration
					for b.Loop() {
						req := httptest.NewRequest("GET", path, nil)
						req.AddCookie(&http.Cookie{Name: "porter_session", Value: token})
						rec := httptest.NewRecorder()
						start := time.Now()
						h.ServeHTTP(rec, req)
						took = append(took, time.Since(start))
						if rec.Code != http.StatusOK {
							b.Fatalf("%s: %d", path, rec.Code)
						}
					}
					slices.Sort(took)
					b.ReportMetric(float64(took[len(took)*95/100].Microseconds())/1000, "p95-ms")
				})
			}
		})
	}
}

func mustB(b *testing.B, err error) {
	b.Helper()
	if err != nil {
		b.Fatal(err)
	}
}
