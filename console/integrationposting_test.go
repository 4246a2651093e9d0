package console_test

import (
	"context"
	"strings"
	"testing"

	"porter"
	"porter/storetest"
)

// The integration page shows an erp integration's posting rules and its
// newest postings, as text (plain HTTP).
func TestIntegrationConsolePostings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st porter.Store) {
		s := integrationSite(t, st)
		bg := context.Background()
		prop, err := s.svc.CreateProperty(bg, s.org, porter.PropertyInput{Name: ptr("Tower A")})
		must(t, err)
		it, err := s.svc.CreateIntegration(bg, s.org, porter.IntegrationInput{Name: ptr("Ledger"), Type: ptr("erp"), EndpointURL: ptr("http://127.0.0.1:9/erp"),
			PostingRules: &porter.PostingRules{Triggers: []string{porter.PostOnWorkOrderVerified}, Currency: "EUR",
				Accounts: porter.PostingAccounts{DefaultExpense: "6000", Payables: "2000"}, Invoice: &porter.PostingInvoice{PaymentTermsDays: 30}}})
		must(t, err)
		w, err := s.svc.CreateWorkOrder(bg, s.org, porter.WorkOrderInput{PropertyID: &prop.ID, Title: ptr("<script>x</script>"), Description: ptr("d")})
		must(t, err)
		cost := porter.Money(9900)
		_, err = s.svc.AssignWorkOrder(bg, s.org, w.ID, porter.WorkOrderAssignment{AssignedTo: ptr("Sam")})
		must(t, err)
		_, err = s.svc.StartWorkOrder(bg, s.org, w.ID)
		must(t, err)
		_, err = s.svc.CompleteWorkOrder(bg, s.org, w.ID, porter.WorkOrderCompletion{Cost: &cost})
		must(t, err)
		_, err = s.svc.VerifyWorkOrder(bg, s.org, w.ID)
		must(t, err)

		code, body := get(t, s.URL+"/settings/integrations/"+itoa(it.ID), s.session(t, "admin@acme.test"))
		if code != 200 || !strings.Contains(body, `id="integration-postings"`) || !strings.Contains(body, porter.WorkOrderNumber(w)) ||
			!strings.Contains(body, "99.00 EUR") || !strings.Contains(body, "AP-") || !strings.Contains(body, "/settings/webhooks/"+itoa(*it.PostingWebhookID)) {
			t.Fatalf("integration page: %d\n%s", code, body)
		}
		if strings.Contains(body, "<script>x") {
			t.Fatal("a work order's title is rendered as HTML")
		}
	})
}
