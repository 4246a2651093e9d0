package http_test

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestRevenueReportAPI: two units over July 2026 (62 unit-nights), owned
// at 10 % commission. Unit 1's stay from 06-29 counts its nights of 07-01
// and 07-02 at 1000; unit 2 sells ten nights at 750: 12 nights, 9,500,
// ADR 9,500 / 12 = 791.67, RevPAR 9,500 / 62 = 153.23, net 8,550.
func TestRevenueReportAPI(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		f := a.rentals(t)
		owner := a.do("POST", "/v1/owners", map[string]any{"name": "Amina"}).must(t, 201).obj("data")["id"].(float64)
		a.do("POST", "/v1/owners/"+itoa(int(owner))+"/properties", map[string]any{"property_id": f.property, "commission_rate": 10, "start_date": "2026-01-01"}).must(t, 201)
		for _, b := range []map[string]any{f.booking(f.unit1, "2026-06-29", "2026-07-03"), f.booking(f.unit2, "2026-07-10", "2026-07-20")} {
			b["status"], b["currency"], b["nightly_rate"] = "confirmed", "MAD", 750
			if b["unit_id"] == f.unit1 {
				b["nightly_rate"] = 1000
			}
			a.do("POST", "/v1/bookings", b).must(t, 201)
		}
		events := a.eventCount()
		reader := a.scopedKey("reports:read")
		r := a.doKey(reader, "GET", "/v1/reports/revenue?from=2026-07-01&to=2026-07-31&granularity=day", nil, nil).must(t, 200)
		var got struct {
			From, To, Currency string
			Data               struct {
				Global      map[string]any   `json:"global"`
				PerProperty []map[string]any `json:"per_property"`
				Series      []map[string]any `json:"series"`
			}
		}
		if err := json.Unmarshal(r.Body, &got); err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{`{"from":"2026-07-01","to":"2026-07-31","granularity":"day","currency":"MAD","data":{"global":`,
			`"global":{"gross_revenue":9500.00,"net_revenue":8550.00,"nights_booked":12,"adr":791.67,"revpar":153.23}`} {
			if !strings.Contains(string(r.Body), k) {
				t.Fatalf("body lacks %s:\n%s", k, r.Body)
			}
		}
		if len(got.Data.PerProperty) != 1 || got.Data.PerProperty[0]["property_name"] != "Riad Azur" || len(got.Data.Series) != 31 ||
			got.Data.Series[9]["gross_revenue"] != 750.0 || got.Data.Series[9]["period"] != "2026-07-10" {
			t.Fatalf("report %+v", got.Data)
		}
		occ := a.doKey(reader, "GET", "/v1/reports/occupancy?from=2026-07-01&to=2026-07-31&granularity=month&property_id="+itoa(int(f.property)), nil, nil).must(t, 200)
		if !strings.Contains(string(occ.Body), `"global":{"unit_nights":62,"nights_blocked":0,"nights_available":62,"nights_booked":12,"occupancy":0.1935}`) {
			t.Fatalf("occupancy %s", occ.Body)
		}

		// Scopes: reports:read only.
		for _, p := range []string{"/v1/reports/revenue", "/v1/reports/occupancy"} {
			a.doKey(a.scopedKey("bookings:read", "calendar:read"), "GET", p+"?from=2026-07-01&to=2026-07-31", nil, nil).must(t, 403)
		}
		// Another organization counts nothing of ours, and cannot name our property.
		o := a.doKey(a.otherKey, "GET", "/v1/reports/revenue?from=2026-07-01&to=2026-07-31", nil, nil).must(t, 200)
		if !strings.Contains(string(o.Body), `"currency":null`) || !strings.Contains(string(o.Body), `"gross_revenue":0.00`) {
			t.Fatalf("other org %s", o.Body)
		}
		if r := a.doKey(a.otherKey, "GET", "/v1/reports/revenue?from=2026-07-01&to=2026-07-31&property_id="+itoa(int(f.property)), nil, nil).must(t, 400); !fieldNamed(r, "property_id") {
			t.Fatalf("other org's property: %s", r.Body)
		}

		// Bad input: 400 naming the field.
		for q, field := range map[string]string{
			"?to=2026-07-31":                                    "from",
			"?from=2026-07-01":                                  "to",
			"?from=2026-08-01&to=2026-07-31":                    "to",
			"?from=2024-01-01&to=2026-12-31":                    "to",
			"?from=2026-07-01&to=2026-07-31&granularity=year":   "granularity",
			"?from=2026-07-01&to=2026-07-31&property_id=abc":    "property_id",
			"?from=2026-07-01&to=2026-07-31&property_id=999999": "property_id",
			"?from=2026-07-01&to=2026-07-31&currency=EURO":      "currency",
		} {
			if r := a.do("GET", "/v1/reports/revenue"+q, nil).must(t, 400); !fieldNamed(r, field) {
				t.Errorf("%s: %s, want %s named", q, r.Body, field)
			}
		}
		if r := a.do("GET", "/v1/reports/occupancy?from=2026-07-01&to=2026-07-31&granularity=hour", nil).must(t, 400); !fieldNamed(r, "granularity") {
			t.Errorf("occupancy granularity: %s", r.Body)
		}

		// Reading reports writes nothing.
		if n := a.eventCount(); n != events {
			t.Fatalf("reports wrote %d events", n-events)
		}

		// Mixed currencies: 422 naming them, unless one is asked for.
		b := f.booking(f.unit1, "2026-07-20", "2026-07-22")
		b["status"], b["currency"], b["nightly_rate"] = "confirmed", "EUR", 100
		a.do("POST", "/v1/bookings", b).must(t, 201)
		if r := a.do("GET", "/v1/reports/revenue?from=2026-07-01&to=2026-07-31", nil).must(t, 422); !fieldNamed(r, "currency") || !strings.Contains(string(r.Body), "EUR, MAD") {
			t.Fatalf("mixed: %s", r.Body)
		}
		if r := a.do("GET", "/v1/reports/revenue?from=2026-07-01&to=2026-07-31&currency=EUR", nil).must(t, 200); !strings.Contains(string(r.Body), `"gross_revenue":200.00,"net_revenue":180.00,"nights_booked":2`) {
			t.Fatalf("EUR: %s", r.Body)
		}
	})
}
