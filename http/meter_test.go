package http_test

import (
	"fmt"
	"strings"
	"testing"

	"porter"
)

func TestMetersAPI(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		prop := a.do("POST", "/v1/properties", map[string]any{"name": "Tower A"}).must(t, 201).obj("data")["id"].(float64)
		unit := a.do("POST", "/v1/units", map[string]any{"property_id": prop, "name": "1504"}).must(t, 201).obj("data")["id"].(float64)

		// Bad input: 400 naming the field, nothing written.
		for _, c := range []struct {
			body  map[string]any
			field string
		}{
			{map[string]any{"name": "M", "kind": "water", "unit_of_measure": "m3"}, "property_id"},
			{map[string]any{"property_id": prop, "name": "M", "kind": "steam", "unit_of_measure": "m3"}, "kind"},
			{map[string]any{"property_id": prop, "kind": "water", "unit_of_measure": "m3"}, "name"},
			{map[string]any{"property_id": prop, "name": "M", "kind": "water"}, "unit_of_measure"},
			{map[string]any{"unit_id": 999999, "name": "M", "kind": "water", "unit_of_measure": "m3"}, "unit_id"},
			{map[string]any{"property_id": prop, "name": "M", "kind": "water", "unit_of_measure": "m3", "colour": "red"}, "colour"},
			{map[string]any{"property_id": prop, "name": "M", "kind": "water", "unit_of_measure": "m3", "asset_id": 999999}, "asset_id"},
		} {
			r := a.do("POST", "/v1/meters", c.body).must(t, 400)
			if !strings.Contains(string(r.Body), c.field) {
				t.Errorf("%v: %s", c.body, r.Body)
			}
		}
		if l := a.do("GET", "/v1/meters", nil).must(t, 200); l.obj("meta")["total"] != 0.0 {
			t.Fatalf("bad input wrote: %s", l.Body)
		}
		asset := a.do("POST", "/v1/assets", map[string]any{"property_id": prop, "name": "Switchboard"}).must(t, 201).obj("data")["id"]
		m := a.do("POST", "/v1/meters", map[string]any{"unit_id": unit, "name": "Main", "kind": "electricity", "unit_of_measure": "kWh",
			"external_ref": "em-1504", "asset_id": asset}).must(t, 201).obj("data")
		if m["property_id"] != prop || m["asset_id"] != asset || m["external_ref"] != "em-1504" {
			t.Fatalf("meter = %v", m)
		}
		path := fmt.Sprintf("/v1/meters/%d", int(m["id"].(float64)))
		r := a.do("POST", "/v1/meters", map[string]any{"property_id": prop, "name": "Dup", "kind": "water", "unit_of_measure": "m3", "external_ref": "em-1504"}).must(t, 400)
		if !strings.Contains(string(r.Body), "external_ref") {
			t.Fatalf("duplicate ref: %s", r.Body)
		}

		// One reading: 201; the same source_id again: 200, a duplicate.
		one := map[string]any{"value": 12.5, "read_at": "2025-05-09T10:00:00Z", "source": "bms", "source_id": "r1"}
		res := a.do("POST", path+"/readings", one).must(t, 201).obj("data")
		if res["created"] != 1.0 || res["duplicates"] != 0.0 {
			t.Fatalf("one reading = %v", res)
		}
		res = a.do("POST", path+"/readings", one).must(t, 200).obj("data")
		if res["created"] != 0.0 || res["duplicates"] != 1.0 || !strings.Contains(fmt.Sprint(res["results"]), "duplicate") {
			t.Fatalf("resent reading = %v", res)
		}
		// A batch: any bad reading refuses it all, naming it.
		batch := []map[string]any{{"value": 13, "read_at": "2025-05-09T11:00:00Z"}, {"read_at": "2025-05-09T12:00:00Z"}, {"value": "14"}}
		r = a.do("POST", path+"/readings", batch).must(t, 400)
		if !strings.Contains(string(r.Body), "readings[2].value") {
			t.Fatalf("bad batch: %s", r.Body)
		}
		batch[2]["value"] = 14
		r = a.do("POST", path+"/readings", batch).must(t, 400)
		if !strings.Contains(string(r.Body), "readings[1].value") {
			t.Fatalf("bad batch: %s", r.Body)
		}
		a.do("POST", path+"/readings", []map[string]any{{"value": 1, "bogus": 1}}).must(t, 400)
		a.do("POST", path+"/readings", "[]").must(t, 400)
		a.do("POST", path+"/readings", "[1,2]").must(t, 400)
		a.do("POST", path+"/readings", map[string]any{"value": 1, "read_at": "2031-01-01T00:00:00Z"}).must(t, 400)
		if l := a.do("GET", path+"/readings", nil).must(t, 200); l.obj("meta")["total"] != 1.0 {
			t.Fatalf("bad batches wrote: %s", l.Body)
		}
		batch[1]["value"] = 15.25
		if res := a.do("POST", path+"/readings", batch).must(t, 201).obj("data"); res["created"] != 3.0 {
			t.Fatalf("batch = %v", res)
		}
		l := a.do("GET", path+"/readings?from=2025-05-09T10:30:00Z&to=2025-05-09T12:00:00Z", nil).must(t, 200)
		if l.obj("meta")["total"] != 1.0 || !strings.Contains(string(l.Body), `"value":13`) {
			t.Fatalf("readings from/to: %s", l.Body)
		}
		a.do("GET", path+"/readings?from=yesterday", nil).must(t, 400)

		ser := a.do("GET", path+"/series?bucket=hour&from=2025-05-09T00:00:00Z&to=2025-05-10T00:00:00Z", nil).must(t, 200).obj("data")
		pts := ser["points"].([]any)
		if len(pts) != 4 || ser["unit_of_measure"] != "kWh" || pts[0].(map[string]any)["avg"] != 12.5 {
			t.Fatalf("series = %v", ser)
		}
		if d := a.do("GET", path+"/series", nil).must(t, 200).obj("data"); d["bucket"] != "day" || len(d["points"].([]any)) != 1 {
			t.Fatalf("default series = %v", d)
		}
		for q, field := range map[string]string{"bucket=minute": "bucket", "from=2025-05-10T00:00:00Z&to=2025-05-09T00:00:00Z": "to",
			"bucket=hour&from=2020-01-01": "bucket", "from=soon": "from"} {
			if r := a.do("GET", path+"/series?"+q, nil).must(t, 400); !strings.Contains(string(r.Body), `"field":"`+field+`"`) {
				t.Errorf("%s: %s", q, r.Body)
			}
		}

		// Scopes: a read key reads, cannot write.
		_, ro := a.newOrgKey(t, []string{"meters:read"})
		a.doKey(ro, "GET", path, nil, nil).must(t, 200)
		a.doKey(ro, "POST", path+"/readings", one, nil).must(t, 403)

		a.do("PATCH", path, map[string]any{"kind": "gas", "unit_id": 0}).must(t, 200)
		a.do("DELETE", path, nil).must(t, 200)
		a.do("GET", path+"/readings", nil).must(t, 404)
	})
}

// newOrgKey makes a key of a's organization holding scopes.
func (a *api) newOrgKey(t *testing.T, scopes []string) (int64, string) {
	t.Helper()
	key, _, err := a.svc.CreateAPIKey(t.Context(), a.org, porter.APIKeyInput{Name: "scoped", Scopes: scopes})
	if err != nil {
		t.Fatal(err)
	}
	return a.org, key
}
