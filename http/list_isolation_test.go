package http_test

import (
	"fmt"
	"strings"
	"testing"

	porterhttp "porter/http"
)

// listFixture says how to read one list endpoint: the query that makes it
// list what fixtures created, where its items are, which field identifies
// an item, and which fixture must appear in it.
type listFixture struct {
	query   string // appended to the path
	items   string // the JSON key of the array
	idField string
	fixture string // key into fixtures' ids
}

// listFixtures covers every authenticated GET route without a path
// parameter. A new list route must be added here (the test fails until it
// is), so that its isolation is proven like the {id} routes'.
var listFixtures = map[string]*listFixture{
	"/v1/properties":        {"?per_page=100", "data", "id", "/v1/properties/"},
	"/v1/units":             {"?per_page=100", "data", "id", "/v1/units/"},
	"/v1/tenants":           {"?per_page=100", "data", "id", "/v1/tenants/"},
	"/v1/inspections":       {"?per_page=100", "data", "id", "/v1/inspections/"},
	"/v1/documents":         {"?per_page=100", "data", "id", "/v1/documents/"},
	"/v1/staff":             {"?per_page=100", "data", "id", "/v1/staff/"},
	"/v1/broadcasts":        {"?per_page=100", "data", "id", "/v1/broadcasts/"},
	"/v1/charges":           {"?per_page=100", "data", "id", "/v1/charges/"},
	"/v1/payments":          {"?per_page=100", "data", "id", "/v1/payments/"},
	"/v1/vendors":           {"?per_page=100", "data", "id", "/v1/vendors/"},
	"/v1/work_orders":       {"?per_page=100", "data", "id", "/v1/work_orders/"},
	"/v1/leases":            {"?per_page=100", "data", "id", "/v1/leases/"},
	"/v1/events":            {"?per_page=100", "data", "id", "/v1/events/"},
	"/v1/webhooks":          {"?per_page=100", "data", "id", "/v1/webhooks/"},
	"/v1/deliveries":        {"?per_page=100", "data", "id", "/v1/deliveries/"},
	"/v1/bookings":          {"?per_page=100", "data", "id", "/v1/bookings/"},
	"/v1/blocks":            {"?per_page=100", "data", "id", "/v1/blocks/"},
	"/v1/ical_sources":      {"?per_page=100", "data", "id", "/v1/ical_sources/"}, // iCal
	"/v1/rates":             {"?per_page=100", "data", "id", "/v1/rates/"},
	"/api/trigger_poll.php": {"?event=tenant.created", "results", "id", "/v1/tenants/"},
	// Short-term rentals: owners, invoices and reviews.
	"/v1/owners":    {"?per_page=100", "data", "id", "/v1/owners/"},
	"/v1/invoices":  {"?per_page=100", "data", "id", "/v1/invoices/"},
	"/v1/reviews":   {"?per_page=100", "data", "id", "/v1/reviews/"},
	"/v1/audit_log": {"?per_page=100", "data", "id", "/v1/audit_log"},
	// Short-term rentals: cleaning tasks and messages to guests.
	"/v1/cleaning_tasks":     {"?per_page=100", "data", "id", "/v1/cleaning_tasks/"},
	"/v1/whatsapp/templates": {"", "data", "id", "/v1/whatsapp/templates/"},
	"/v1/whatsapp/messages":  {"?per_page=100", "data", "id", "/v1/whatsapp/messages/"},
	// Short-term rentals: owner statements and tax reports.
	"/v1/statements":  {"?per_page=100", "data", "id", "/v1/statements/"},
	"/v1/tax_reports": {"?per_page=100", "data", "id", "/v1/tax_reports"},
	"/v1/tax_rules":   {"", "data", "property_id", "/v1/tax_rules"},
	// Facility records: assets, warranties and compliance certificates.
	"/v1/asset_categories": {"", "data", "id", "/v1/asset_categories/"},
	"/v1/assets":           {"?per_page=100", "data", "id", "/v1/assets/"},
	"/v1/certificates":     {"?per_page=100", "data", "id", "/v1/certificates/"},
	// Integrations.
	"/v1/integrations": {"?per_page=100", "data", "id", "/v1/integrations/"},
	// Facilities and resident events.
	"/v1/meters":           {"?per_page=100", "data", "id", "/v1/meters/"},
	"/v1/defects":          {"?per_page=100", "data", "id", "/v1/defects/"},
	"/v1/visitor_passes":   {"?per_page=100", "data", "id", "/v1/visitor_passes/"},
	"/v1/amenities":        {"?per_page=100", "data", "id", "/v1/amenities/"},
	"/v1/amenity_bookings": {"?per_page=100", "data", "id", "/v1/amenity_bookings/"},
}

// notLists are the authenticated GET routes without a path parameter that
// list nothing, and why.
var notLists = map[string]string{
	"/v1/organization":      "the key's own organization, one object",
	"/api/triggers.php":     "the event catalog, the same for everyone",
	"/v1/calendar":          "units by day, not a page of records: TestRentalScopesAndIsolation checks another organization sees none of them",
	"/v1/reports/revenue":   "figures over a range, not a page of records: TestRevenueReportAPI checks another organization counts none of ours",
	"/v1/reports/occupancy": "figures over a range, not a page of records: TestRevenueReportAPI checks another organization counts none of ours",
	"/v1/events/stream":     "a live stream, not a page: TestEventStreamLiveFilteredAndResumed checks another organization's events never come",
}

// Every list endpoint shows an organization its own records only: what
// one organization created never appears in another's lists, while it
// does appear in its own (so an endpoint that lists nothing passes no
// one).
func TestEveryListEndpointIsIsolated(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		ids := fixtures(t, a)
		// The other organization has records of its own too: a list that
		// ignored the key would mix them.
		a.doKey(a.otherKey, "POST", "/v1/tenants", map[string]any{"email": "o@example.com", "first_name": "O", "last_name": "X"}, nil).must(t, 201)
		a.doKey(a.otherKey, "POST", "/v1/properties", map[string]any{"name": "Theirs"}, nil).must(t, 201)

		srv := porterhttp.NewServer(a.svc, porterhttp.Config{}, nil)
		checked := 0
		for _, e := range srv.Endpoints() {
			if e.Method != "GET" || !e.Authenticated || strings.Contains(e.Path, "{") {
				continue
			}
			if _, ok := notLists[e.Path]; ok {
				continue
			}
			lf := listFixtures[e.Path]
			if lf == nil {
				t.Errorf("no list fixture for GET %s: add one to listFixtures so its isolation is proven", e.Path)
				continue
			}
			mine := listIDs(t, a.doKey(a.key, "GET", e.Path+lf.query, nil, nil).must(t, 200), lf)
			if !mine[ids[lf.fixture]] {
				t.Errorf("GET %s does not list its own organization's record %s: %v", e.Path, ids[lf.fixture], mine)
			}
			theirs := listIDs(t, a.doKey(a.otherKey, "GET", e.Path+lf.query, nil, nil).must(t, 200), lf)
			for id := range theirs {
				if mine[id] {
					t.Errorf("GET %s with another organization's key lists record %s of the first", e.Path, id)
				}
			}
			checked++
		}
		if checked < len(listFixtures) {
			t.Fatalf("checked %d list endpoints, have fixtures for %d: a route went missing", checked, len(listFixtures))
		}
	})
}

func listIDs(t *testing.T, r *response, lf *listFixture) map[string]bool {
	t.Helper()
	items, ok := r.JSON[lf.items].([]any)
	if !ok {
		t.Fatalf("no %q array in %s", lf.items, r.Body)
	}
	out := map[string]bool{}
	for _, it := range items {
		m, _ := it.(map[string]any)
		switch id := m[lf.idField].(type) {
		case float64:
			out[itoa(int(id))] = true
		case string:
			out[id] = true
		default:
			out[fmt.Sprint(id)] = true
		}
	}
	return out
}
