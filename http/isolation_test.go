package http_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	porterhttp "porter/http"
)

// fixtures creates one of every resource in a's organization and returns,
// for each path prefix that takes an id, the id to use.
func fixtures(t *testing.T, a *api) map[string]string {
	t.Helper()
	id := func(r *response) string { return itoa(int(r.must(t, 201).obj("data")["id"].(float64))) }
	_ = id
	ids := map[string]string{}
	ids["/v1/properties/"] = id(a.do("POST", "/v1/properties", map[string]any{"name": "P"}))
	ids["/v1/units/"] = id(a.do("POST", "/v1/units", map[string]any{"property_id": atoi(ids["/v1/properties/"]), "name": "1A"}))
	ids["/v1/tenants/"] = id(a.do("POST", "/v1/tenants", map[string]any{"email": "t@example.com", "first_name": "T", "last_name": "X"}))
	pid := atoi(ids["/v1/properties/"])
	insp := a.do("POST", "/v1/inspections", map[string]any{"property_id": pid, "scheduled_for": "2025-06-01T10:00:00Z", "items": []map[string]any{{"label": "Smoke alarm"}}}).must(t, 201).obj("data")
	ids["/v1/inspections/"] = itoa(int(insp["id"].(float64)))
	ids["{item_id}"] = itoa(int(insp["items"].([]any)[0].(map[string]any)["id"].(float64)))
	body, h := form(t, map[string]string{"scope": "property", "scope_id": ids["/v1/properties/"]}, "file", "lease.pdf", []byte("%PDF-1.4 test"))
	ids["/v1/documents/"] = id(a.doKey(a.key, "POST", "/v1/documents", body, h))
	ids["/v1/staff/"] = id(a.do("POST", "/v1/staff", map[string]any{"name": "Sam", "email": "sam@example.com"}))
	ids["/v1/broadcasts/"] = id(a.do("POST", "/v1/broadcasts", map[string]any{"subject": "Hi", "body": "Hello"}))
	tid := atoi(ids["/v1/tenants/"])
	ids["/v1/leases/"] = id(a.do("POST", "/v1/leases", map[string]any{"unit_id": atoi(ids["/v1/units/"]), "tenant_ids": []int{tid},
		"start_date": "2025-01-01", "end_date": "2025-12-31", "monthly_rent": 1800}))
	ids["/v1/charges/"] = id(a.do("POST", "/v1/charges", map[string]any{"tenant_id": tid, "amount": 10, "description": "Fee", "due_date": "2025-06-01"}))
	ids["/v1/payments/"] = id(a.do("POST", "/v1/payments", map[string]any{"tenant_id": tid, "amount": 5}))
	ids["/v1/vendors/"] = id(a.do("POST", "/v1/vendors", map[string]any{"name": "Fixit Ltd", "trade": "plumbing"}))
	ids["/v1/work_orders/"] = id(a.do("POST", "/v1/work_orders", map[string]any{"property_id": pid, "title": "Tap", "description": "Drips"}))
	ids["/v1/webhooks/"] = id(a.do("POST", "/v1/webhooks", map[string]any{"url": "https://hooks.example.com/x", "events": []string{"*"}}))
	test := a.do("POST", "/v1/webhooks/"+ids["/v1/webhooks/"]+"/test", nil).must(t, 202).obj("data")
	ids["/v1/deliveries/"] = itoa(int(test["id"].(float64)))
	// Short-term rentals.
	ids["/v1/rates/"] = id(a.do("POST", "/v1/rates", map[string]any{"property_id": pid, "start_date": "2025-08-01", "end_date": "2025-08-31", "nightly_price": 100, "currency": "EUR"}))
	ids["/v1/bookings/"] = id(a.do("POST", "/v1/bookings", map[string]any{"unit_id": atoi(ids["/v1/units/"]), "guest_name": "G", "check_in": "2025-08-01", "check_out": "2025-08-03"}))
	ids["/v1/blocks/"] = id(a.do("POST", "/v1/blocks", map[string]any{"unit_id": atoi(ids["/v1/units/"]), "start_date": "2025-08-10", "end_date": "2025-08-11"}))
	// Short-term rentals: iCal sources (never fetched here).
	ids["/v1/ical_sources/"] = id(a.do("POST", "/v1/ical_sources", map[string]any{"unit_id": atoi(ids["/v1/units/"]), "name": "Airbnb", "url": "http://127.0.0.1:9/a.ics"}))
	// Short-term rentals: owners, invoices and reviews.
	ids["/v1/owners/"] = id(a.do("POST", "/v1/owners", map[string]any{"name": "Amina"}))
	ids["{ownership_id}"] = id(a.do("POST", "/v1/owners/"+ids["/v1/owners/"]+"/properties", map[string]any{"property_id": pid, "commission_rate": 20}))
	ids["/v1/invoices/"] = id(a.do("POST", "/v1/invoices", map[string]any{"bill_to_name": "Guest", "currency": "EUR",
		"lines": []any{map[string]any{"description": "Stay", "unit_price": 100}}}))
	ids["/v1/reviews/"] = id(a.do("POST", "/v1/reviews", map[string]any{"source": "direct", "rating": 5}))
	// Short-term rentals: cleaning tasks and messages to guests.
	ids["/v1/cleaning_tasks/"] = id(a.do("POST", "/v1/cleaning_tasks", map[string]any{"unit_id": atoi(ids["/v1/units/"]), "due_from": "2025-08-03"}))
	ids["/v1/whatsapp/templates/"] = id(a.do("POST", "/v1/whatsapp/templates", map[string]any{"name": "welcome", "body": "Hi {{guest_name}}"}))
	ids["/v1/whatsapp/messages/"] = id(a.do("POST", "/v1/whatsapp/messages", map[string]any{"booking_id": atoi(ids["/v1/bookings/"]),
		"template_id": atoi(ids["/v1/whatsapp/templates/"]), "to": "+212600000001"}))
	// Short-term rentals: owner statements and tax reports, of April 2025
	// for a property owned since January with a stay in April.
	sp := id(a.do("POST", "/v1/properties", map[string]any{"name": "Villa Sol"}))
	su := id(a.do("POST", "/v1/units", map[string]any{"property_id": atoi(sp), "name": "Main"}))
	so := id(a.do("POST", "/v1/owners", map[string]any{"name": "Yves"}))
	a.do("POST", "/v1/owners/"+so+"/properties", map[string]any{"property_id": atoi(sp), "commission_rate": 20, "start_date": "2025-01-01"}).must(t, 201)
	now := a.now
	a.now = time.Date(2025, 4, 1, 9, 0, 0, 0, time.UTC)
	a.do("POST", "/v1/bookings", map[string]any{"unit_id": atoi(su), "guest_name": "G", "check_in": "2025-04-10", "check_out": "2025-04-12",
		"nightly_rate": 100, "currency": "EUR", "status": "confirmed"}).must(t, 201)
	a.now = now
	first := func(r *response) string {
		return itoa(int(r.must(t, 201).JSON["data"].([]any)[0].(map[string]any)["id"].(float64)))
	}
	ids["/v1/statements/"] = first(a.do("POST", "/v1/owners/"+so+"/statements", map[string]any{"month": "2025-04"}))
	ids["/v1/tax_reports"] = first(a.do("POST", "/v1/tax_reports", map[string]any{"month": "2025-04", "property_id": atoi(sp)}))
	a.do("POST", "/v1/tax_rules", map[string]any{"property_id": atoi(sp), "per_guest_night": 1}).must(t, 200)
	ids["/v1/tax_rules"] = sp
	// Integrations (issue 11).
	ids["/v1/integrations/"] = id(a.do("POST", "/v1/integrations", map[string]any{"name": "Arkan Handover", "type": "handover"}))
	// ERP / accounting posting: another organization's integration is a
	// 404 before its posting id is read.
	ids["{posting_id}"] = "1"
	// Facility records: assets, warranties and compliance certificates.
	ids["/v1/asset_categories/"] = id(a.do("POST", "/v1/asset_categories", map[string]any{"name": "HVAC Equipment"}))
	ids["/v1/assets/"] = id(a.do("POST", "/v1/assets", map[string]any{"property_id": pid, "name": "AHU-1", "category": "hvac equipment"}))
	ids["/v1/warranties/"] = id(a.do("POST", "/v1/assets/"+ids["/v1/assets/"]+"/warranties", map[string]any{"provider": "Carrier", "start_date": "2025-01-01", "end_date": "2027-01-01"}))
	ids["/v1/warranty_claims/"] = id(a.do("POST", "/v1/warranties/"+ids["/v1/warranties/"]+"/claims", map[string]any{"description": "Fan noise"}))
	ids["/v1/certificates/"] = id(a.do("POST", "/v1/certificates", map[string]any{"type": "fire_safety", "property_id": pid, "issue_date": "2025-01-01", "expiry_date": "2026-01-01"}))
	// Facilities and resident events: meters, defects, visitor passes,
	// amenities and their bookings.
	ids["/v1/meters/"] = id(a.do("POST", "/v1/meters", map[string]any{"property_id": pid, "name": "Main", "kind": "water", "unit_of_measure": "m3"}))
	ids["/v1/defects/"] = id(a.do("POST", "/v1/defects", map[string]any{"property_id": pid, "title": "Crack"}))
	ids["/v1/visitor_passes/"] = id(a.do("POST", "/v1/visitor_passes", map[string]any{"unit_id": atoi(ids["/v1/units/"]), "visitor_name": "V", "expected_from": "2025-05-09T14:00:00Z"}))
	ids["/v1/amenities/"] = id(a.do("POST", "/v1/amenities", map[string]any{"property_id": pid, "name": "Gym"}))
	ids["/v1/amenity_bookings/"] = id(a.do("POST", "/v1/amenity_bookings", map[string]any{"amenity_id": atoi(ids["/v1/amenities/"]), "tenant_id": tid,
		"starts_at": "2025-05-10T09:00:00Z", "ends_at": "2025-05-10T10:00:00Z"}))
	ev := a.do("GET", "/v1/events?per_page=1", nil).must(t, 200).JSON["data"].([]any)[0].(map[string]any)
	ids["/v1/events/"] = ev["id"].(string)
	ids["/v1/audit_log"] = itoa(int(a.do("GET", "/v1/audit_log?per_page=1", nil).must(t, 200).JSON["data"].([]any)[0].(map[string]any)["id"].(float64))) // audit log
	return ids
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}

var pathParam = regexp.MustCompile(`\{[a-z_]+\}`)

// Every endpoint that takes an id answers 404 when the id belongs to
// another organization, and writes nothing there.
func TestEveryIDEndpointIsIsolated(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		ids := fixtures(t, a)
		before := a.eventCount()
		srv := porterhttp.NewServer(a.svc, porterhttp.Config{}, nil)
		checked := 0
		for _, e := range srv.Endpoints() {
			if !e.Authenticated || !strings.Contains(e.Path, "{") {
				continue
			}
			var id string
			for prefix, v := range ids {
				if strings.HasPrefix(e.Path, prefix) {
					id = v
				}
			}
			if id == "" {
				t.Errorf("no fixture for %s %s: add one so its isolation is proven", e.Method, e.Path)
				continue
			}
			path := pathParam.ReplaceAllStringFunc(e.Path, func(p string) string {
				if v, ok := ids[p]; ok {
					return v
				}
				return id
			})
			var body any
			if e.Method != "GET" {
				body = map[string]any{}
			}
			r := a.doKey(a.otherKey, e.Method, path, body, nil)
			if r.Status != 404 {
				t.Errorf("%s %s with another organization's key: %d %s", e.Method, path, r.Status, r.Body)
			}
			checked++
		}
		if checked == 0 {
			t.Fatal("no endpoints checked")
		}
		if n := a.eventCount(); n != before {
			t.Fatalf("cross-organization calls wrote %d events", n-before)
		}
	})
}
