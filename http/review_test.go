package http_test

import (
	"strings"
	"testing"
)

func TestReviewsAPI(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		prop := a.do("POST", "/v1/properties", map[string]any{"name": "Riad Yasmine"}).must(t, 201).obj("data")["id"].(float64)
		unit := a.do("POST", "/v1/units", map[string]any{"property_id": prop, "name": "Suite"}).must(t, 201).obj("data")["id"].(float64)
		body := map[string]any{"source": "airbnb", "external_id": "HMX123", "rating": 2, "title": "Disappointing", "text": "No hot water",
			"author_name": "Karim B.", "booking_id": 9876, "unit_id": unit, "received_at": "2025-05-01T09:00:00Z"}
		rv := a.do("POST", "/v1/reviews", body).must(t, 201).obj("data")
		if rv["below_threshold"] != true || rv["property_id"] != prop || rv["received_at"] != "2025-05-01T09:00:00Z" {
			t.Fatalf("review = %v", rv)
		}
		again := a.do("POST", "/v1/reviews", body).must(t, 200).obj("data")
		if again["id"] != rv["id"] {
			t.Fatalf("re-import = %v", again)
		}
		evs := a.allEvents(t)
		if len(evs) != 3 || evs[0].Type != "review.received" || evs[1].Type != "unit.created" || !strings.Contains(string(evs[0].Data), `"below_threshold":true,"alert_threshold":4`) {
			t.Fatalf("events %v", evs)
		}
		a.do("POST", "/v1/reviews", map[string]any{"source": "google", "rating": 5, "received_at": "2025-05-08"}).must(t, 201)
		a.do("POST", "/v1/reviews", map[string]any{"source": "direct", "rating": 4, "property_id": prop}).must(t, 201)

		for _, c := range []struct {
			body  map[string]any
			field string
		}{
			{map[string]any{"source": "airbnb", "rating": 6}, "rating"},
			{map[string]any{"source": "airbnb", "rating": 4.5}, "rating"},
			{map[string]any{"source": "yelp", "rating": 4}, "source"},
			{map[string]any{"rating": 4}, "source"},
			{map[string]any{"source": "airbnb", "rating": 4, "received_at": "2030-01-01T00:00:00Z"}, "received_at"},
			{map[string]any{"source": "airbnb", "rating": 4, "unit_id": 999999}, "unit_id"},
		} {
			r := a.do("POST", "/v1/reviews", c.body).must(t, 400)
			if !strings.Contains(string(r.Body), c.field) {
				t.Errorf("%v: %s", c.body, r.Body)
			}
		}
		if n := len(a.allEvents(t)); n != 5 {
			t.Fatalf("%d events after bad input, want 5", n)
		}
		for q, want := range map[string]float64{
			"":                                3,
			"?property_id=" + itoa(int(prop)): 2,
			"?rating_max=3":                   1,
			"?rating_min=4":                   2,
			"?source=google":                  1,
			"?from=2025-05-02":                2,
			"?to=2025-05-08":                  2, // a bare date includes its day
			"?from=2025-05-01&to=2025-05-01T09:00:00Z": 1,
		} {
			if l := a.do("GET", "/v1/reviews"+q, nil).must(t, 200); l.obj("meta")["total"] != want {
				t.Errorf("GET /v1/reviews%s: total %v, want %v", q, l.obj("meta")["total"], want)
			}
		}
		a.do("GET", "/v1/reviews?rating_min=0", nil).must(t, 400)
		a.do("GET", "/v1/reviews?rating_min=5&rating_max=2", nil).must(t, 400)
		a.do("GET", "/v1/reviews?source=yelp", nil).must(t, 400)

		path := "/v1/reviews/" + itoa(int(rv["id"].(float64)))
		reader := a.scopedKey("reviews:read")
		a.doKey(reader, "GET", path, nil, nil).must(t, 200)
		a.doKey(reader, "POST", "/v1/reviews", body, nil).must(t, 403)
		a.doKey(a.scopedKey("reviews:write"), "POST", "/v1/reviews", body, nil).must(t, 200)
		a.doKey(a.otherKey, "GET", path, nil, nil).must(t, 404)
		// The same platform id in another organization is its own review.
		a.doKey(a.otherKey, "POST", "/v1/reviews", map[string]any{"source": "airbnb", "external_id": "HMX123", "rating": 5}, nil).must(t, 201)
		if l := a.doKey(a.otherKey, "GET", "/v1/reviews", nil, nil).must(t, 200); l.obj("meta")["total"] != 1.0 {
			t.Fatalf("other org lists %s", l.Body)
		}
	})
}
