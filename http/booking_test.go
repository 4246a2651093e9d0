package http_test

import (
	"strings"
	"testing"
)

// rentals is a property with two units and a summer rate (100.00 EUR a
// night, +20% on Fridays and Saturdays, two nights at least).
type rentals struct {
	property, unit1, unit2, rate float64
}

func (a *api) rentals(t *testing.T) rentals {
	t.Helper()
	var r rentals
	r.property = a.do("POST", "/v1/properties", map[string]any{"name": "Riad Azur"}).must(t, 201).obj("data")["id"].(float64)
	r.unit1 = a.do("POST", "/v1/units", map[string]any{"property_id": r.property, "name": "Suite 1"}).must(t, 201).obj("data")["id"].(float64)
	r.unit2 = a.do("POST", "/v1/units", map[string]any{"property_id": r.property, "name": "Suite 2"}).must(t, 201).obj("data")["id"].(float64)
	r.rate = a.do("POST", "/v1/rates", map[string]any{"property_id": r.property, "name": "Summer", "start_date": "2025-07-01", "end_date": "2025-08-31",
		"nightly_price": 100, "currency": "EUR", "min_stay": 2, "weekday_adjustments": map[string]any{"fri": 20, "sat": 20}}).must(t, 201).obj("data")["id"].(float64)
	return r
}

func (r rentals) booking(unit float64, in, out string) map[string]any {
	return map[string]any{"unit_id": unit, "guest_name": "Karim B.", "guest_email": "karim@example.com", "guests_count": 2,
		"source": "airbnb", "check_in": in, "check_out": out}
}

// fieldNamed reports whether a problem's errors name field.
func fieldNamed(r *response, field string) bool {
	errs, _ := r.JSON["errors"].([]any)
	for _, e := range errs {
		if m, _ := e.(map[string]any); m["field"] == field {
			return true
		}
	}
	return false
}

func TestBookingsAPI(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		f := a.rentals(t)
		// Thursday 14 to Sunday 17 August 2025: 100 + 120 + 120.
		body := f.booking(f.unit1, "2025-08-14", "2025-08-17")
		body["fees"], body["taxes"] = "35.50", 12
		b := a.do("POST", "/v1/bookings", body).must(t, 201).obj("data")
		if b["status"] != "pending" || b["accommodation"] != 340.0 || b["total"] != 387.5 || b["currency"] != "EUR" || b["nights"] != 3.0 {
			t.Fatalf("booking = %v", b)
		}
		ref := b["reference"].(string)
		path := "/v1/bookings/" + itoa(int(b["id"].(float64)))
		a.do("POST", path+"/confirm", nil).must(t, 200)
		a.do("POST", path+"/confirm", nil).must(t, 409)

		// An overlapping stay is refused, naming the booking.
		r := a.do("POST", "/v1/bookings", f.booking(f.unit1, "2025-08-16", "2025-08-19")).must(t, 409)
		if d, _ := r.JSON["detail"].(string); !strings.Contains(d, ref) || !strings.Contains(d, itoa(int(b["id"].(float64)))) {
			t.Fatalf("409 detail = %s", r.Body)
		}
		// Same-day turnover.
		next := f.booking(f.unit1, "2025-08-17", "2025-08-19")
		next["status"] = "confirmed"
		a.do("POST", "/v1/bookings", next).must(t, 201)
		// Minimum stay.
		r = a.do("POST", "/v1/bookings", f.booking(f.unit2, "2025-08-14", "2025-08-15")).must(t, 422)
		if !fieldNamed(r, "check_out") {
			t.Fatalf("422 = %s", r.Body)
		}

		p := a.do("POST", path+"/payments", map[string]any{"amount": 100, "method": "cmi", "reference": "CMI-77"}).must(t, 201).obj("data")
		if p["amount"] != 100.0 || p["currency"] != "EUR" {
			t.Fatalf("payment = %v", p)
		}
		a.do("POST", path+"/payments", map[string]any{"amount": 0}).must(t, 400)
		a.do("POST", path+"/payments", map[string]any{"amount": 1000}).must(t, 422)
		if l := a.do("GET", path+"/payments", nil).must(t, 200).JSON["data"].([]any); len(l) != 1 {
			t.Fatalf("payments = %v", l)
		}
		got := a.do("GET", path, nil).must(t, 200).obj("data")
		if got["amount_paid"] != 100.0 || got["status"] != "confirmed" {
			t.Fatalf("booking = %v", got)
		}
		up := a.do("PATCH", path, map[string]any{"guest_phone": "+212600000000", "check_out": "2025-08-18"})
		if up.Status != 409 { // 17→18 is now the next guest's
			t.Fatalf("extend over the next stay: %d %s", up.Status, up.Body)
		}
		patched := a.do("PATCH", path, map[string]any{"guest_phone": "+212600000000"}).must(t, 200).obj("data")
		if patched["guest_phone"] != "+212600000000" {
			t.Fatalf("patched = %v", patched)
		}

		// Filters.
		for q, want := range map[string]int{
			"?reference=" + ref: 1, "?status=confirmed": 2, "?status=pending": 0, "?unit_id=" + itoa(int(f.unit2)): 0,
			"?from=2025-08-17&to=2025-08-17": 1, "?from=2025-08-16&to=2025-08-20": 2, "?to=2025-08-13": 0, "?source=airbnb": 2,
		} {
			if n := a.do("GET", "/v1/bookings"+q, nil).must(t, 200).obj("meta")["total"]; n != float64(want) {
				t.Errorf("GET /v1/bookings%s: total %v, want %d", q, n, want)
			}
		}
		a.do("GET", "/v1/bookings?from=2025-13-01", nil).must(t, 400)
		a.do("GET", "/v1/bookings?status=paid", nil).must(t, 400)

		a.do("POST", path+"/check_in", nil).must(t, 200)
		a.do("POST", path+"/cancel", map[string]any{"reason": "late"}).must(t, 409)
		a.do("POST", path+"/no_show", nil).must(t, 409)
		a.do("POST", path+"/check_out", nil).must(t, 200)

		// The events carry data.booking.
		evs := a.do("GET", "/v1/events?type=booking.checked_out", nil).must(t, 200).JSON["data"].([]any)
		if len(evs) != 1 {
			t.Fatalf("events = %v", evs)
		}
		bk, _ := evs[0].(map[string]any)["data"].(map[string]any)["booking"].(map[string]any)
		if bk["reference"] != ref || bk["status"] != "checked_out" || bk["guest_name"] != "Karim B." || bk["guests_count"] != 2.0 {
			t.Fatalf("data.booking = %v", bk)
		}
	})
}

func TestBookingsBadInput(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		f := a.rentals(t)
		before := a.eventCount()
		with := func(extra map[string]any) map[string]any {
			b := f.booking(f.unit1, "2025-08-14", "2025-08-17")
			for k, v := range extra {
				if v == nil {
					delete(b, k)
				} else {
					b[k] = v
				}
			}
			return b
		}
		for _, tc := range []struct {
			body   any
			status int
			field  string
		}{
			{with(map[string]any{"check_out": "2025-08-13"}), 400, "check_out"},
			{with(map[string]any{"check_in": "14/08/2025"}), 400, "check_in"},
			{with(map[string]any{"nightly_rate": -10, "currency": "EUR"}), 400, "nightly_rate"},
			{with(map[string]any{"nightly_rate": 10, "currency": "EURO"}), 400, "currency"},
			{with(map[string]any{"nightly_prices": []any{map[string]any{"date": "2025-08-14", "price": -1}}, "currency": "EUR"}), 400, "nightly_prices[0].price"},
			{with(map[string]any{"fees": -1}), 400, "fees"},
			{with(map[string]any{"guest_name": nil}), 400, "guest_name"},
			{with(map[string]any{"guest_email": "nope"}), 400, "guest_email"},
			{with(map[string]any{"source": "expedia"}), 400, "source"},
			{with(map[string]any{"status": "checked_in"}), 400, "status"},
			{with(map[string]any{"unit_id": nil}), 400, "unit_id"},
			{with(map[string]any{"unit_id": 999999}), 400, "unit_id"},
			{with(map[string]any{"guests_count": "two"}), 400, "guests_count"},
			{with(map[string]any{"colour": "red"}), 400, "colour"},
			{with(map[string]any{"check_in": "2025-09-10", "check_out": "2025-09-12"}), 422, "nightly_prices"},
		} {
			r := a.do("POST", "/v1/bookings", tc.body)
			if r.Status != tc.status || !fieldNamed(r, tc.field) && !strings.Contains(string(r.Body), tc.field) {
				t.Errorf("%v: %d %s, want %d naming %s", tc.body, r.Status, r.Body, tc.status, tc.field)
			}
		}
		for _, tc := range []struct {
			path  string
			body  map[string]any
			field string
		}{
			{"/v1/rates", map[string]any{"property_id": f.property, "start_date": "2025-09-01", "end_date": "2025-09-02", "nightly_price": -5, "currency": "EUR"}, "nightly_price"},
			{"/v1/rates", map[string]any{"property_id": f.property, "start_date": "2025-09-01", "end_date": "2025-09-02", "nightly_price": 5, "currency": "ZZZ"}, "currency"},
			{"/v1/rates", map[string]any{"property_id": f.property, "start_date": "2025-09-03", "end_date": "2025-09-02", "nightly_price": 5, "currency": "EUR"}, "end_date"},
			{"/v1/rates", map[string]any{"property_id": f.property, "start_date": "2025-09-01", "end_date": "2025-09-02", "nightly_price": 5, "currency": "EUR", "weekday_adjustments": map[string]any{"sat": 2000}}, "weekday_adjustments"},
			{"/v1/blocks", map[string]any{"unit_id": f.unit1, "start_date": "2025-09-03", "end_date": "2025-09-02"}, "end_date"},
			{"/v1/blocks", map[string]any{"unit_id": f.unit1, "kind": "party", "start_date": "2025-09-01", "end_date": "2025-09-02"}, "kind"},
		} {
			r := a.do("POST", tc.path, tc.body).must(t, 400)
			if !fieldNamed(r, tc.field) {
				t.Errorf("POST %s %v: %s, want %s named", tc.path, tc.body, r.Body, tc.field)
			}
		}
		if n := a.eventCount(); n != before {
			t.Fatalf("refused requests recorded %d events", n-before)
		}
		if l := a.do("GET", "/v1/bookings", nil).must(t, 200).obj("meta")["total"]; l != 0.0 {
			t.Fatalf("refused requests wrote %v bookings", l)
		}
		if l := a.do("GET", "/v1/blocks", nil).must(t, 200).obj("meta")["total"]; l != 0.0 {
			t.Fatalf("refused requests wrote %v blocks", l)
		}
	})
}

func TestCalendarAPI(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		f := a.rentals(t)
		body := f.booking(f.unit1, "2025-08-14", "2025-08-16")
		body["status"] = "confirmed"
		b := a.do("POST", "/v1/bookings", body).must(t, 201).obj("data")
		blk := a.do("POST", "/v1/blocks", map[string]any{"unit_id": f.unit2, "kind": "owner_stay", "start_date": "2025-08-15", "end_date": "2025-08-15", "reason": "Owner"}).must(t, 201).obj("data")
		// A block over the confirmed stay, and a stay over the block: 409.
		a.do("POST", "/v1/blocks", map[string]any{"unit_id": f.unit1, "start_date": "2025-08-15", "end_date": "2025-08-20"}).must(t, 409)
		a.do("POST", "/v1/bookings", f.booking(f.unit2, "2025-08-13", "2025-08-16")).must(t, 409)

		c := a.do("GET", "/v1/calendar?from=2025-08-14&to=2025-08-15&property_id="+itoa(int(f.property)), nil).must(t, 200).obj("data")
		units := c["units"].([]any)
		if len(units) != 2 || c["from"] != "2025-08-14" || c["to"] != "2025-08-15" {
			t.Fatalf("calendar = %v", c)
		}
		d1 := units[0].(map[string]any)["days"].([]any)
		d2 := units[1].(map[string]any)["days"].([]any)
		day := func(d any) map[string]any { return d.(map[string]any) }
		if day(d1[0])["status"] != "booked" || day(d1[0])["booking_id"] != b["id"] || day(d1[0])["reference"] != b["reference"] || day(d1[0])["rate"] != 100.0 {
			t.Errorf("unit 1, 14th = %v", d1[0])
		}
		if day(d2[0])["status"] != "available" || day(d2[1])["status"] != "blocked" || day(d2[1])["block_id"] != blk["id"] || day(d2[1])["rate"] != 120.0 {
			t.Errorf("unit 2 = %v", d2)
		}
		for _, q := range []string{"", "?from=2025-08-14", "?from=2025-08-14&to=2026-08-15", "?from=2025-08-14&to=2025-08-13", "?from=x&to=2025-08-13", "?from=2025-08-14&to=2025-08-15&property_id=abc"} {
			r := a.do("GET", "/v1/calendar"+q, nil).must(t, 400)
			if !strings.Contains(string(r.Body), `"field"`) {
				t.Errorf("GET /v1/calendar%s: %s", q, r.Body)
			}
		}
		r := a.do("GET", "/v1/calendar?from=2025-01-01&to=2026-01-02", nil).must(t, 400)
		if !fieldNamed(r, "to") || !strings.Contains(string(r.Body), "366") {
			t.Fatalf("range cap: %s", r.Body)
		}
		a.do("GET", "/v1/calendar?from=2025-01-01&to=2026-01-01", nil).must(t, 200) // 366 days
		a.do("DELETE", "/v1/blocks/"+itoa(int(blk["id"].(float64))), nil).must(t, 204)
		a.do("GET", "/v1/blocks/"+itoa(int(blk["id"].(float64))), nil).must(t, 404)
	})
}

func TestRatesAPI(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		f := a.rentals(t)
		path := "/v1/rates/" + itoa(int(f.rate))
		r := a.do("PATCH", path, map[string]any{"nightly_price": 110}).must(t, 200).obj("data")
		if r["nightly_price"] != 110.0 || r["min_stay"] != 2.0 {
			t.Fatalf("rate = %v", r)
		}
		a.do("PATCH", path, map[string]any{"property_id": f.property}).must(t, 400)
		unitRate := a.do("POST", "/v1/rates", map[string]any{"unit_id": f.unit1, "start_date": "2025-08-01", "end_date": "2025-08-31", "nightly_price": 95, "currency": "EUR"}).must(t, 201).obj("data")
		if unitRate["property_id"] != f.property {
			t.Fatalf("unit rate = %v", unitRate)
		}
		if n := a.do("GET", "/v1/rates?unit_id="+itoa(int(f.unit1)), nil).must(t, 200).obj("meta")["total"]; n != 1.0 {
			t.Fatalf("unit rates = %v", n)
		}
		if n := a.do("GET", "/v1/rates?from=2025-09-01", nil).must(t, 200).obj("meta")["total"]; n != 0.0 {
			t.Fatalf("rates from September = %v", n)
		}
		a.do("DELETE", path, nil).must(t, 204)
		a.do("DELETE", path, nil).must(t, 404)
		evs := a.do("GET", "/v1/events?type=property.rate_changed", nil).must(t, 200).JSON["data"].([]any)
		if len(evs) != 4 {
			t.Fatalf("rate events = %d", len(evs))
		}
		last := evs[0].(map[string]any)["data"].(map[string]any)
		if last["action"] != "deleted" || last["old_price"] != 110.0 || last["new_price"] != nil || last["start_date"] != "2025-07-01" {
			t.Fatalf("deleted = %v", last)
		}
	})
}

func TestRentalScopesAndIsolation(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		f := a.rentals(t)
		b := a.do("POST", "/v1/bookings", f.booking(f.unit1, "2025-08-14", "2025-08-17")).must(t, 201).obj("data")
		bp := "/v1/bookings/" + itoa(int(b["id"].(float64)))
		blk := a.do("POST", "/v1/blocks", map[string]any{"unit_id": f.unit2, "start_date": "2025-08-20", "end_date": "2025-08-21"}).must(t, 201).obj("data")
		kp := "/v1/blocks/" + itoa(int(blk["id"].(float64)))
		rp := "/v1/rates/" + itoa(int(f.rate))
		cal := "/v1/calendar?from=2025-08-01&to=2025-08-31"

		keys := map[string]string{
			"bookings:read":  a.scopedKey("bookings:read"),
			"bookings:write": a.scopedKey("bookings:write"),
			"calendar:read":  a.scopedKey("calendar:read"),
			"rates:read":     a.scopedKey("rates:read"),
			"rates:write":    a.scopedKey("rates:write"),
			"properties":     a.scopedKey("properties:write"),
		}
		for _, tc := range []struct {
			key, method, path string
			body              any
			want              int
		}{
			{"bookings:read", "GET", "/v1/bookings", nil, 200},
			{"bookings:read", "GET", bp, nil, 200},
			{"bookings:read", "POST", "/v1/bookings", f.booking(f.unit2, "2025-08-01", "2025-08-03"), 403},
			{"bookings:read", "POST", bp + "/confirm", nil, 403},
			{"bookings:read", "GET", cal, nil, 403},
			{"bookings:write", "POST", "/v1/bookings", f.booking(f.unit2, "2025-08-01", "2025-08-03"), 201},
			{"bookings:write", "GET", "/v1/rates", nil, 403},
			{"calendar:read", "GET", cal, nil, 200},
			{"calendar:read", "GET", "/v1/blocks", nil, 200},
			{"calendar:read", "GET", kp, nil, 200},
			{"calendar:read", "POST", "/v1/blocks", map[string]any{"unit_id": f.unit2, "start_date": "2025-09-01", "end_date": "2025-09-01"}, 403},
			{"calendar:read", "GET", "/v1/rates", nil, 403},
			{"calendar:read", "GET", "/v1/bookings", nil, 403},
			{"rates:read", "GET", rp, nil, 200},
			{"rates:read", "PATCH", rp, map[string]any{"name": "x"}, 403},
			{"rates:write", "PATCH", rp, map[string]any{"name": "High summer"}, 200},
			{"rates:write", "POST", "/v1/blocks", map[string]any{"unit_id": f.unit2, "start_date": "2025-09-01", "end_date": "2025-09-01"}, 201},
			{"rates:write", "PATCH", kp, map[string]any{"reason": "Painting"}, 200},
			{"properties", "POST", "/v1/blocks", map[string]any{"unit_id": f.unit2, "start_date": "2025-09-05", "end_date": "2025-09-05"}, 403},
		} {
			if r := a.doKey(keys[tc.key], tc.method, tc.path, tc.body, nil); r.Status != tc.want {
				t.Errorf("%s %s %s: %d, want %d: %s", tc.key, tc.method, tc.path, r.Status, tc.want, r.Body)
			}
		}
		// Subscriptions need the events' scopes: booking.* bookings:read;
		// property.rate_changed is property.*'s properties:read.
		hook := func(events string, scopes ...string) int {
			return a.doKey(a.scopedKey(append(scopes, "webhooks:write")...), "POST", "/v1/webhooks",
				map[string]any{"url": "http://127.0.0.1:1/hook", "events": []string{events}}, nil).Status
		}
		for _, tc := range []struct {
			events string
			scopes []string
			want   int
		}{
			{"booking.*", []string{"bookings:read"}, 201},
			{"booking.*", []string{"calendar:read"}, 403},
			{"property.*", []string{"properties:read"}, 201},
			{"property.rate_changed", []string{"rates:read"}, 403},
		} {
			if got := hook(tc.events, tc.scopes...); got != tc.want {
				t.Errorf("subscribe %s with %v: %d, want %d", tc.events, tc.scopes, got, tc.want)
			}
		}

		// Another organization sees none of it.
		for _, tc := range []struct {
			method, path string
			body         any
		}{
			{"GET", bp, nil}, {"PATCH", bp, map[string]any{"notes": "x"}}, {"POST", bp + "/confirm", nil},
			{"POST", bp + "/cancel", map[string]any{"reason": "x"}}, {"POST", bp + "/payments", map[string]any{"amount": 1}},
			{"GET", bp + "/payments", nil}, {"GET", kp, nil}, {"PATCH", kp, map[string]any{"reason": "x"}}, {"DELETE", kp, nil},
			{"GET", rp, nil}, {"PATCH", rp, map[string]any{"name": "x"}}, {"DELETE", rp, nil},
		} {
			a.doKey(a.otherKey, tc.method, tc.path, tc.body, nil).must(t, 404)
		}
		for _, p := range []string{"/v1/bookings", "/v1/blocks", "/v1/rates"} {
			if n := a.doKey(a.otherKey, "GET", p, nil, nil).must(t, 200).obj("meta")["total"]; n != 0.0 {
				t.Errorf("other organization GET %s: total %v", p, n)
			}
		}
		a.doKey(a.otherKey, "POST", "/v1/bookings", f.booking(f.unit1, "2025-09-01", "2025-09-03"), nil).must(t, 400)
		a.doKey(a.otherKey, "GET", cal+"&property_id="+itoa(int(f.property)), nil, nil).must(t, 400)
		if u := a.doKey(a.otherKey, "GET", cal, nil, nil).must(t, 200).obj("data")["units"].([]any); len(u) != 0 {
			t.Fatalf("other organization's calendar = %v", u)
		}
	})
}
