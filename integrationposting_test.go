package porter_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"porter"
	"porter/storetest"
)

// Month end on several nodes at once, with and without the scheduler's
// lock: each property of the month is posted once, because a posting is
// unique per integration and source.
func TestPostingMonthEndConcurrentPasses(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		ctx := context.Background()
		now := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
		svc := porter.NewService(s, "http://porter.test", nil)
		svc.Now = func() time.Time { return now }
		box, err := porter.NewSecretBox(make([]byte, porter.SecretKeySize))
		if err != nil {
			t.Fatal(err)
		}
		svc.Secrets = box
		org, err := svc.CreateOrganization(ctx, "Acme")
		if err != nil {
			t.Fatal(err)
		}
		prop, err := svc.CreateProperty(ctx, org.ID, porter.PropertyInput{Name: ptr("Tower A")})
		if err != nil {
			t.Fatal(err)
		}
		vendor, err := svc.CreateVendor(ctx, org.ID, porter.VendorInput{Name: ptr("Fixit"), Trade: ptr("plumbing")})
		if err != nil {
			t.Fatal(err)
		}
		it, err := svc.CreateIntegration(ctx, org.ID, porter.IntegrationInput{Name: ptr("Ledger"), Type: ptr("accounting"),
			EndpointURL: ptr("http://127.0.0.1:9/erp"), PostingRules: &porter.PostingRules{Triggers: []string{porter.PostOnMonthEnd}, Currency: "EUR",
				Accounts: porter.PostingAccounts{DefaultExpense: "6000", Payables: "2000"}}})
		if err != nil {
			t.Fatal(err)
		}
		for _, cost := range []porter.Money{12550, 450} {
			w, err := svc.CreateWorkOrder(ctx, org.ID, porter.WorkOrderInput{PropertyID: &prop.ID, Title: ptr("Valve"), Description: ptr("Drips")})
			if err != nil {
				t.Fatal(err)
			}
			steps := []func() (*porter.WorkOrder, error){
				func() (*porter.WorkOrder, error) {
					return svc.AssignWorkOrder(ctx, org.ID, w.ID, porter.WorkOrderAssignment{VendorID: &vendor.ID})
				},
				func() (*porter.WorkOrder, error) { return svc.StartWorkOrder(ctx, org.ID, w.ID) },
				func() (*porter.WorkOrder, error) {
					return svc.CompleteWorkOrder(ctx, org.ID, w.ID, porter.WorkOrderCompletion{Cost: &cost})
				},
				func() (*porter.WorkOrder, error) { return svc.VerifyWorkOrder(ctx, org.ID, w.ID) },
				func() (*porter.WorkOrder, error) { return svc.CloseWorkOrder(ctx, org.ID, w.ID) },
			}
			for _, step := range steps {
				if _, err := step(); err != nil {
					t.Fatal(err)
				}
			}
		}
		passAt := time.Date(2026, 12, 1, 0, 30, 0, 0, time.UTC)
		for _, store := range []porter.Store{s, unlocked{s}} {
			var wg sync.WaitGroup
			errs := make(chan error, 4)
			for range 4 {
				node := porter.NewService(store, "", nil)
				wg.Add(1)
				go func() {
					defer wg.Done()
					errs <- node.RunPostingMonthEnd(ctx, passAt)
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
		}
		l, err := svc.IntegrationPostings(ctx, org.ID, porter.PostingFilter{IntegrationID: it.ID})
		if err != nil {
			t.Fatal(err)
		}
		if l.Total != 1 || l.Items[0].Amount != 13000 || l.Items[0].Period != "2026-11" || l.Items[0].Date != "2026-11-30" {
			t.Fatalf("postings = %d %+v", l.Total, l.Items)
		}
		evs, err := svc.Events(ctx, org.ID, porter.EventFilter{Types: []string{"integration.posting.created"}})
		if err != nil || evs.Total != 1 {
			t.Fatalf("%d posting events, %v", evs.Total, err)
		}
		// The next month has nothing closed: nothing is posted.
		if err := svc.RunPostingMonthEnd(ctx, passAt.AddDate(0, 1, 0)); err != nil {
			t.Fatal(err)
		}
		if l, _ := svc.IntegrationPostings(ctx, org.ID, porter.PostingFilter{IntegrationID: it.ID}); l.Total != 1 {
			t.Fatalf("%d postings after an empty month", l.Total)
		}
	})
}
