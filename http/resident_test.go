package http_test

import (
	"fmt"
	"strings"
	"testing"
)

func TestResidentEventsAPI(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		prop := a.do("POST", "/v1/properties", map[string]any{"name": "Tower A"}).must(t, 201).obj("data")["id"].(float64)
		unit := a.do("POST", "/v1/units", map[string]any{"property_id": prop, "name": "1504"}).must(t, 201).obj("data")["id"].(float64)
		ten := a.do("POST", "/v1/tenants", map[string]any{"email": "lina@example.com", "first_name": "Lina", "last_name": "K"}).must(t, 201).obj("data")["id"].(float64)
		before := a.eventCount()

		// Visitor passes.
		for body, field := range map[string]string{
			`{"visitor_name":"Sam","expected_from":"2025-05-09T18:00:00Z"}`:                                "unit_id",
			fmt.Sprintf(`{"unit_id":%d,"expected_from":"2025-05-09T18:00:00Z"}`, int(unit)):                "visitor_name",
			fmt.Sprintf(`{"unit_id":%d,"visitor_name":"Sam"}`, int(unit)):                                  "expected_from",
			fmt.Sprintf(`{"unit_id":%d,"visitor_name":"Sam","expected_from":"18h"}`, int(unit)):            "expected_from",
			fmt.Sprintf(`{"unit_id":%d,"visitor_name":"<script>x</script>","expected_from":1}`, int(unit)): "expected_from",
		} {
			if r := a.do("POST", "/v1/visitor_passes", body).must(t, 400); !strings.Contains(string(r.Body), field) {
				t.Errorf("%s: %s", body, r.Body)
			}
		}
		p := a.do("POST", "/v1/visitor_passes", map[string]any{"unit_id": unit, "tenant_id": ten, "visitor_name": "Sam",
			"expected_from": "2025-05-09T14:00:00Z"}).must(t, 201).obj("data")
		if p["status"] != "issued" || p["expected_until"] != "2025-05-09T18:00:00Z" {
			t.Fatalf("pass = %v", p)
		}
		pp := fmt.Sprintf("/v1/visitor_passes/%d", int(p["id"].(float64)))
		a.do("POST", pp+"/check_out", nil).must(t, 409)
		a.do("PATCH", pp, map[string]any{"expected_until": "2025-05-09T20:00:00Z"}).must(t, 200)
		a.do("POST", pp+"/check_in", nil).must(t, 200)
		a.do("POST", pp+"/check_out", nil).must(t, 200)
		a.do("POST", pp+"/cancel", nil).must(t, 409)
		if l := a.do("GET", "/v1/visitor_passes?status=checked_out", nil).must(t, 200); l.obj("meta")["total"] != 1.0 {
			t.Fatalf("passes: %s", l.Body)
		}
		// The passes of a day, or of a window: those whose expected window
		// (14:00 to 20:00 on 9 May) overlaps it.
		for q, want := range map[string]float64{
			"date=2025-05-09": 1, "date=2025-05-10": 0, "date=2025-05-08": 0,
			"from=2025-05-09T19:00:00Z": 1, "from=2025-05-09T20:00:00Z": 0,
			"to=2025-05-09T14:00:01Z": 1, "to=2025-05-09T14:00:00Z": 0,
			"from=2025-05-09T10:00:00Z&to=2025-05-09T12:00:00Z": 0,
		} {
			if l := a.do("GET", "/v1/visitor_passes?"+q, nil).must(t, 200); l.obj("meta")["total"] != want {
				t.Errorf("%s: %s", q, l.Body)
			}
		}
		for q, field := range map[string]string{
			"date=9/5/2025": "date", "date=2025-05-09&from=2025-05-09T00:00:00Z": "date",
			"from=yesterday": "from", "from=2025-05-09T12:00:00Z&to=2025-05-09T12:00:00Z": "to",
		} {
			if r := a.do("GET", "/v1/visitor_passes?"+q, nil).must(t, 400); !strings.Contains(string(r.Body), field) {
				t.Errorf("%s: %s", q, r.Body)
			}
		}

		// Amenities and their bookings.
		a.do("POST", "/v1/amenities", map[string]any{"property_id": prop, "name": "Gym", "capacity": -1}).must(t, 400)
		gym := a.do("POST", "/v1/amenities", map[string]any{"property_id": prop, "name": "Gym"}).must(t, 201).obj("data")
		if gym["capacity"] != 1.0 || gym["status"] != "active" {
			t.Fatalf("gym = %v", gym)
		}
		book := map[string]any{"amenity_id": gym["id"], "tenant_id": ten, "starts_at": "2025-05-10T09:00:00Z", "ends_at": "2025-05-10T10:00:00Z"}
		b := a.do("POST", "/v1/amenity_bookings", book).must(t, 201).obj("data")
		if b["kind"] != "amenity" || b["status"] != "confirmed" {
			t.Fatalf("booking = %v", b)
		}
		r := a.do("POST", "/v1/amenity_bookings", book).must(t, 409)
		if !strings.Contains(string(r.Body), fmt.Sprintf("overlapping bookings %d", int(b["id"].(float64)))) {
			t.Fatalf("full: %s", r.Body)
		}
		a.do("POST", "/v1/amenity_bookings", map[string]any{"amenity_id": gym["id"], "tenant_id": ten, "starts_at": "2025-05-10T09:00:00Z"}).must(t, 400)
		bp := fmt.Sprintf("/v1/amenity_bookings/%d", int(b["id"].(float64)))
		a.do("POST", bp+"/cancel", nil).must(t, 200)
		a.do("POST", bp+"/cancel", nil).must(t, 409)
		a.do("DELETE", fmt.Sprintf("/v1/amenities/%d", int(gym["id"].(float64))), nil).must(t, 409)
		if l := a.do("GET", "/v1/amenity_bookings?status=cancelled", nil).must(t, 200); l.obj("meta")["total"] != 1.0 {
			t.Fatalf("bookings: %s", l.Body)
		}

		// Acknowledgements of a broadcast.
		br := a.do("POST", "/v1/broadcasts", map[string]any{"subject": "Water off", "body": "Tuesday"}).must(t, 201).obj("data")["id"].(float64)
		ap := fmt.Sprintf("/v1/broadcasts/%d/acknowledgements", int(br))
		a.do("POST", ap, map[string]any{}).must(t, 400)
		a.do("POST", ap, map[string]any{"tenant_id": 999999}).must(t, 400)
		a.do("POST", ap, map[string]any{"tenant_id": ten}).must(t, 201)
		a.do("POST", ap, map[string]any{"tenant_id": ten}).must(t, 200)
		if l := a.do("GET", ap, nil).must(t, 200); l.obj("meta")["total"] != 1.0 {
			t.Fatalf("acknowledgements: %s", l.Body)
		}

		var types []string
		for _, e := range a.allEvents(t) {
			types = append(types, e.Type)
		}
		got := strings.Join(types[:a.eventCount()-before], " ")
		want := "announcement.acknowledged broadcast.sent booking.cancelled booking.created visitor_pass.checked_out visitor_pass.checked_in visitor_pass.created"
		if got != want {
			t.Fatalf("events:\n got %s\nwant %s", got, want)
		}
	})
}
