package http_test

import (
	"strings"
	"testing"
	"time"
)

// TestTaxReportsAPI: rules, a report by hand, bad input, scopes and
// another organization.
func TestTaxReportsAPI(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		prop := a.do("POST", "/v1/properties", map[string]any{"name": "Riad Yasmine"}).must(t, 201).obj("data")["id"].(float64)
		unit := a.do("POST", "/v1/units", map[string]any{"property_id": prop, "name": "Suite"}).must(t, 201).obj("data")["id"].(float64)
		a.now = time.Date(2025, 4, 1, 9, 0, 0, 0, time.UTC)
		a.do("POST", "/v1/bookings", map[string]any{"property_id": prop, "unit_id": unit, "guest_name": "Karim B.", "guests_count": 2,
			"check_in": "2025-04-28", "check_out": "2025-05-02", "nightly_rate": 110, "currency": "MAD", "status": "confirmed",
			"source": "airbnb"}).must(t, 201)
		a.now = time.Date(2025, 5, 9, 14, 30, 0, 0, time.UTC)
		events := a.eventCount()

		for body, field := range map[string]string{`{"percent":101}`: "percent", `{"max_nights":-1}`: "max_nights",
			`{"per_guest_night":-2}`: "per_guest_night", `{"property_id":424242}`: "property_id"} {
			r := a.do("POST", "/v1/tax_rules", body).must(t, 400)
			if !strings.Contains(string(r.Body), `"field":"`+field+`"`) {
				t.Errorf("%s: %s", body, r.Body)
			}
		}
		for body, field := range map[string]string{`{}`: "month", `{"month":"2025-5"}`: "month", `{"month":"2025-04","property_id":0}`: "property_id"} {
			r := a.do("POST", "/v1/tax_reports", body).must(t, 400)
			if !strings.Contains(string(r.Body), `"field":"`+field+`"`) {
				t.Errorf("%s: %s", body, r.Body)
			}
		}
		if l := a.do("GET", "/v1/tax_rules", nil).must(t, 200); len(l.JSON["data"].([]any)) != 0 || a.eventCount() != events {
			t.Fatalf("bad input wrote: %s", l.Body)
		}
		// 3 April nights × 2 guests × 4.00 = 24.00.
		a.do("POST", "/v1/tax_rules", map[string]any{"per_guest_night": 4}).must(t, 200)
		reps := a.do("POST", "/v1/tax_reports", map[string]any{"month": "2025-04"}).must(t, 201).JSON["data"].([]any)
		rep := reps[0].(map[string]any)
		if len(reps) != 1 || rep["nights"] != 3.0 || rep["guest_nights"] != 6.0 || rep["tax_due"] != 24.0 || rep["accommodation"] != 330.0 {
			t.Fatalf("report = %v", rep)
		}
		a.do("POST", "/v1/tax_reports", map[string]any{"month": "2025-04", "property_id": prop}).must(t, 200)
		if evs := a.allEvents(t); evs[0].Type != "tax_report.generated" || !strings.Contains(string(evs[0].Data), `"tax_due":24`) {
			t.Fatalf("event %s %s", evs[0].Type, evs[0].Data)
		}
		if l := a.do("GET", "/v1/tax_reports?month=2025-04&property_id="+itoa(int(prop)), nil).must(t, 200); l.obj("meta")["total"] != 1.0 {
			t.Fatalf("list %s", l.Body)
		}
		a.do("GET", "/v1/tax_reports?month=april", nil).must(t, 400)

		reader := a.scopedKey("tax_reports:read")
		a.doKey(reader, "GET", "/v1/tax_reports", nil, nil).must(t, 200)
		a.doKey(reader, "GET", "/v1/tax_rules", nil, nil).must(t, 200)
		a.doKey(reader, "POST", "/v1/tax_reports", map[string]any{"month": "2025-03"}, nil).must(t, 403)
		a.doKey(reader, "POST", "/v1/tax_rules", map[string]any{"percent": 1}, nil).must(t, 403)
		a.doKey(a.scopedKey("statements:read"), "GET", "/v1/tax_reports", nil, nil).must(t, 403)

		// Another organization's property is unknown here, as in any body.
		if r := a.doKey(a.otherKey, "POST", "/v1/tax_reports", map[string]any{"month": "2025-04", "property_id": prop}, nil).must(t, 400); !strings.Contains(string(r.Body), `"field":"property_id"`) {
			t.Fatalf("other org: %s", r.Body)
		}
		if l := a.doKey(a.otherKey, "GET", "/v1/tax_reports", nil, nil).must(t, 200); l.obj("meta")["total"] != 0.0 {
			t.Fatalf("other org lists %s", l.Body)
		}
	})
}
