package http_test

import (
	"fmt"
	"strings"
	"testing"
)

func TestDefectsAPI(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		prop := a.do("POST", "/v1/properties", map[string]any{"name": "Tower A"}).must(t, 201).obj("data")["id"].(float64)
		before := a.eventCount()
		for _, c := range []struct {
			body  map[string]any
			field string
		}{
			{map[string]any{"title": "Crack"}, "property_id"},
			{map[string]any{"property_id": prop}, "title"},
			{map[string]any{"property_id": prop, "title": "Crack", "severity": "meh"}, "severity"},
			{map[string]any{"property_id": prop, "title": "Crack", "external_ref": "D-1"}, "source"},
			{map[string]any{"property_id": prop, "title": "Crack", "work_order_id": 999999}, "work_order_id"},
		} {
			if r := a.do("POST", "/v1/defects", c.body).must(t, 400); !strings.Contains(string(r.Body), `"field":"`+c.field+`"`) {
				t.Errorf("%v: %s", c.body, r.Body)
			}
		}
		if a.eventCount() != before {
			t.Fatal("bad input wrote events")
		}
		in := map[string]any{"property_id": prop, "title": "Cracked tile", "source": "arkan_handover", "external_ref": "D-1", "severity": "high"}
		d := a.do("POST", "/v1/defects", in).must(t, 201).obj("data")
		if d["status"] != "open" || d["severity"] != "high" {
			t.Fatalf("defect = %v", d)
		}
		if again := a.do("POST", "/v1/defects", in).must(t, 200).obj("data"); again["id"] != d["id"] {
			t.Fatalf("replay = %v", again)
		}
		path := fmt.Sprintf("/v1/defects/%d", int(d["id"].(float64)))
		wo := a.do("POST", "/v1/work_orders", map[string]any{"property_id": prop, "title": "Tile", "description": "Replace"}).must(t, 201).obj("data")["id"].(float64)
		if s := a.do("POST", path+"/start", map[string]any{"work_order_id": wo}).must(t, 200).obj("data"); s["status"] != "in_progress" || s["work_order_id"] != wo {
			t.Fatalf("started = %v", s)
		}
		a.do("POST", path+"/reject", map[string]any{}).must(t, 400)
		a.do("PATCH", path, map[string]any{"external_ref": "D-2"}).must(t, 400)
		a.do("PATCH", path, map[string]any{"location": "Bathroom"}).must(t, 200)
		a.do("POST", path+"/resolve", map[string]any{"resolution": "Tile replaced"}).must(t, 200)
		a.do("POST", path+"/resolve", nil).must(t, 409)
		if l := a.do("GET", "/v1/defects?status=resolved&source=arkan_handover", nil).must(t, 200); l.obj("meta")["total"] != 1.0 {
			t.Fatalf("list: %s", l.Body)
		}
		a.do("GET", "/v1/defects?status=fixed", nil).must(t, 400)
		evs := a.allEvents(t)
		if evs[0].Type != "defect.resolved" || !strings.Contains(string(evs[0].Data), `"defect":{"id":`) {
			t.Fatalf("last event %s %s", evs[0].Type, evs[0].Data)
		}
		// The organization's setting.
		o := a.do("PATCH", "/v1/organization", map[string]any{"defects_as_work_orders": true}).must(t, 200).obj("data")
		if o["defects_as_work_orders"] != true {
			t.Fatalf("organization = %v", o)
		}
		a.do("PATCH", "/v1/organization", map[string]any{"defects_as_work_orders": "yes"}).must(t, 400)
	})
}
