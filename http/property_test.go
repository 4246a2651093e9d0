package http_test

import (
	"strings"
	"testing"
)

func TestPropertiesAndUnits(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		p := a.do("POST", "/v1/properties", map[string]any{"name": "Maple Court", "city": "Springfield"}).must(t, 201).obj("data")
		pid := itoa(int(p["id"].(float64)))
		u := a.do("POST", "/v1/units", map[string]any{"property_id": p["id"], "name": "12B", "bedrooms": 2, "market_rent": 1800.00}).must(t, 201).obj("data")
		if u["status"] != "vacant" || u["market_rent"] != 1800.0 {
			t.Fatalf("unit = %v", u)
		}
		uid := itoa(int(u["id"].(float64)))
		// Unknown and foreign property ids in a body are 400 naming the field.
		r := a.do("POST", "/v1/units", map[string]any{"property_id": 999999, "name": "X"}).must(t, 400)
		if !strings.Contains(r.JSON["detail"].(string), "property_id 999999 does not exist") {
			t.Fatalf("detail: %s", r.Body)
		}
		a.doKey(a.otherKey, "POST", "/v1/units", map[string]any{"property_id": p["id"], "name": "X"}, nil).must(t, 400)
		// Strict v1 decoding.
		r = a.do("POST", "/v1/units", map[string]any{"property_id": p["id"], "name": "X", "colour": "red"}).must(t, 400)
		if errs, _ := r.JSON["errors"].([]any); len(errs) != 1 {
			t.Fatalf("errors: %s", r.Body)
		}
		a.do("POST", "/v1/units", map[string]any{"property_id": p["id"], "name": "X", "market_rent": -5}).must(t, 400)
		a.do("POST", "/v1/units", map[string]any{"property_id": p["id"], "name": "X", "market_rent": 10.001}).must(t, 400)
		a.do("POST", "/v1/units", map[string]any{"property_id": p["id"], "name": "X", "status": "haunted"}).must(t, 400)

		a.do("PATCH", "/v1/units/"+uid, map[string]any{"status": "unavailable"}).must(t, 200)
		p2 := a.do("POST", "/v1/properties", map[string]any{"name": "Elm"}).must(t, 201).obj("data")
		a.do("PATCH", "/v1/units/"+uid, map[string]any{"property_id": p2["id"]}).must(t, 400)
		a.do("PATCH", "/v1/units/"+uid, map[string]any{"property_id": p["id"]}).must(t, 200)
		l := a.do("GET", "/v1/units?property_id="+pid+"&status=unavailable", nil).must(t, 200)
		if meta := l.obj("meta"); meta["total"] != 1.0 {
			t.Fatalf("list: %s", l.Body)
		}
		a.do("GET", "/v1/units?status=bogus", nil).must(t, 400)
		a.do("GET", "/v1/units?per_page=101", nil).must(t, 400)
		a.do("POST", "/v1/properties/"+pid+"/archive", nil).must(t, 200)
		a.do("POST", "/v1/properties/"+pid+"/archive", nil).must(t, 409)

		// Another organization sees none of it.
		for _, path := range []string{"/v1/properties/" + pid, "/v1/units/" + uid} {
			a.doKey(a.otherKey, "GET", path, nil, nil).must(t, 404)
			a.doKey(a.otherKey, "PATCH", path, map[string]any{"name": "stolen"}, nil).must(t, 404)
		}
		a.doKey(a.otherKey, "POST", "/v1/properties/"+pid+"/archive", nil, nil).must(t, 404)
		a.do("GET", "/v1/units/abc", nil).must(t, 404)
		a.do("GET", "/api/action_create_tenant", nil).must(t, 404)
	})
}

func TestPagination(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		for i := 0; i < 7; i++ {
			a.do("POST", "/v1/properties", map[string]any{"name": "P" + itoa(i)}).must(t, 201)
		}
		r := a.do("GET", "/v1/properties?per_page=3&page=2", nil).must(t, 200)
		meta, links := r.obj("meta"), r.obj("links")
		data := r.JSON["data"].([]any)
		if len(data) != 3 || meta["total"] != 7.0 || meta["last_page"] != 3.0 || meta["from"] != 4.0 || meta["to"] != 6.0 || meta["current_page"] != 2.0 {
			t.Fatalf("meta: %v", meta)
		}
		if data[0].(map[string]any)["name"] != "P3" {
			t.Fatalf("not newest first: %v", data[0])
		}
		if !strings.Contains(links["next"].(string), "page=3") || !strings.Contains(links["prev"].(string), "page=1") || !strings.HasSuffix(meta["path"].(string), "/v1/properties") {
			t.Fatalf("links: %v", links)
		}
		if ml := meta["links"].([]any); len(ml) != 5 {
			t.Fatalf("meta.links: %v", ml)
		}
		last := a.do("GET", "/v1/properties?per_page=3&page=3", nil).must(t, 200)
		if last.obj("links")["next"] != nil {
			t.Fatal("next on last page")
		}
		past := a.do("GET", "/v1/properties?per_page=3&page=9", nil).must(t, 200)
		if m := past.obj("meta"); m["total"] != 7.0 || m["last_page"] != 3.0 || m["from"] != nil || len(past.JSON["data"].([]any)) != 0 {
			t.Fatalf("past the end: %s", past.Body)
		}
	})
}
