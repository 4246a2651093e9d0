package http_test

import (
	"context"
	"strings"
	"testing"

	"porter"
)

// fixtures creates a property with a unit and returns their ids.
func (a *api) propertyWithUnit(key, name string) (pid, uid float64) {
	a.t.Helper()
	p := a.doKey(key, "POST", "/v1/properties", map[string]any{"name": name}, nil).must(a.t, 201).obj("data")
	u := a.doKey(key, "POST", "/v1/units", map[string]any{"property_id": p["id"], "name": "1A"}, nil).must(a.t, 201).obj("data")
	return p["id"].(float64), u["id"].(float64)
}

func (a *api) eventsOf(types ...string) []*porter.Event {
	a.t.Helper()
	l, err := a.svc.Events(context.Background(), a.org, porter.EventFilter{Types: types, ListParams: porter.ListParams{PerPage: 100}})
	if err != nil {
		a.t.Fatal(err)
	}
	return l.Items
}

func id(v map[string]any) string { return itoa(int(v["id"].(float64))) }

func TestInspectionLifecycle(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		pid, uid := a.propertyWithUnit(a.key, "Maple Court")
		_, otherUnit := a.propertyWithUnit(a.key, "Oak House")
		_, foreignUnit := a.propertyWithUnit(a.otherKey, "Elsewhere")
		before := a.eventCount()

		// Bad input: 400 naming the fields, nothing written.
		bad := []struct {
			body map[string]any
			want string
		}{
			{map[string]any{}, "property_id is required"},
			{map[string]any{"property_id": pid}, "scheduled_for is required"},
			{map[string]any{"property_id": pid, "scheduled_for": "next tuesday"}, "scheduled_for"},
			{map[string]any{"property_id": pid, "scheduled_for": "2025-06-01T10:00:00Z", "kind": "surprise"}, "kind must be one of"},
			{map[string]any{"property_id": 99999, "scheduled_for": "2025-06-01T10:00:00Z"}, "property_id 99999 does not exist"},
			{map[string]any{"property_id": pid, "unit_id": otherUnit, "scheduled_for": "2025-06-01T10:00:00Z"}, "is not in property"},
			{map[string]any{"property_id": pid, "unit_id": foreignUnit, "scheduled_for": "2025-06-01T10:00:00Z"}, "does not exist"},
			{map[string]any{"property_id": pid, "scheduled_for": "2025-06-01T10:00:00Z", "items": []any{map[string]any{"label": " "}}}, "items[0].label is required"},
			{map[string]any{"property_id": pid, "scheduled_for": "2025-06-01T10:00:00Z", "status": "approved"}, "status is not a known field"},
		}
		for _, c := range bad {
			r := a.do("POST", "/v1/inspections", c.body).must(t, 400)
			if !strings.Contains(string(r.Body), c.want) {
				t.Errorf("%v: %s", c.body, r.Body)
			}
		}
		if n := a.eventCount(); n != before {
			t.Fatalf("bad input wrote %d events", n-before)
		}

		insp := a.do("POST", "/v1/inspections", map[string]any{
			"property_id": pid, "unit_id": uid, "kind": "move_in", "scheduled_for": "2025-06-01T10:00:00+02:00",
			"inspector": "Sam", "items": []any{map[string]any{"label": "Smoke alarm"}, map[string]any{"label": "Windows"}},
		}).must(t, 201).obj("data")
		iid := id(insp)
		items := insp["items"].([]any)
		if insp["status"] != "scheduled" || insp["kind"] != "move_in" || len(items) != 2 || insp["scheduled_for"] != "2025-06-01T08:00:00Z" {
			t.Fatalf("inspection = %v", insp)
		}
		item0 := id(items[0].(map[string]any))
		item1 := id(items[1].(map[string]any))
		if items[0].(map[string]any)["result"] != "pending" {
			t.Fatalf("item = %v", items[0])
		}
		def := a.do("POST", "/v1/inspections", map[string]any{"property_id": pid, "scheduled_for": "2025-06-02"}).must(t, 201).obj("data")
		if def["kind"] != "routine" || def["unit_id"] != nil || len(def["items"].([]any)) != 0 {
			t.Fatalf("defaults = %v", def)
		}

		// Wrong transitions are 409 naming the status.
		for _, path := range []string{"/submit", "/approve"} {
			r := a.do("POST", "/v1/inspections/"+iid+path, nil).must(t, 409)
			if !strings.Contains(r.JSON["detail"].(string), "is scheduled") {
				t.Fatalf("%s: %s", path, r.Body)
			}
		}
		a.do("POST", "/v1/inspections/"+iid+"/reject", map[string]any{"reason": "x"}).must(t, 409)
		a.do("POST", "/v1/inspections/"+iid+"/items", map[string]any{"label": "Door"}).must(t, 409)
		a.do("PATCH", "/v1/inspections/"+iid+"/items/"+item0, map[string]any{"result": "pass"}).must(t, 409)

		started := a.do("POST", "/v1/inspections/"+iid+"/start", nil).must(t, 200).obj("data")
		if started["status"] != "in_progress" || started["started_at"] == nil {
			t.Fatalf("started = %v", started)
		}
		a.do("POST", "/v1/inspections/"+iid+"/start", nil).must(t, 409)

		// Items: bad input, then results.
		a.do("POST", "/v1/inspections/"+iid+"/items", map[string]any{"result": "pass"}).must(t, 400)
		a.do("POST", "/v1/inspections/"+iid+"/items", map[string]any{"label": "Door", "result": "meh"}).must(t, 400)
		a.do("PATCH", "/v1/inspections/"+iid+"/items/"+item0, map[string]any{"result": "broken"}).must(t, 400)
		a.do("PATCH", "/v1/inspections/"+iid+"/items/"+item0, map[string]any{"label": "renamed"}).must(t, 400)
		a.do("PATCH", "/v1/inspections/"+iid+"/items/999999", map[string]any{"result": "pass"}).must(t, 404)
		a.do("PATCH", "/v1/inspections/"+iid+"/items/abc", map[string]any{"result": "pass"}).must(t, 404)
		if n := len(a.eventsOf("inspection.updated")); n != 0 {
			t.Fatalf("bad item input wrote %d events", n)
		}

		withDoor := a.do("POST", "/v1/inspections/"+iid+"/items", map[string]any{"label": "Door", "result": "pass", "notes": "fine"}).must(t, 201).obj("data")
		if len(withDoor["items"].([]any)) != 3 {
			t.Fatalf("items = %v", withDoor["items"])
		}
		a.do("PATCH", "/v1/inspections/"+iid+"/items/"+item0, map[string]any{"result": "fail", "notes": "no battery"}).must(t, 200)
		failed := a.eventsOf("inspection.failed_item")
		if len(failed) != 1 || !strings.Contains(string(failed[0].Data), `"label":"Smoke alarm"`) || !strings.Contains(string(failed[0].Data), `"inspection_id":`+iid) {
			t.Fatalf("failed_item events = %v", failed)
		}
		// Item 1 is still pending: submit is refused, listing it.
		r := a.do("POST", "/v1/inspections/"+iid+"/submit", nil).must(t, 409)
		if !strings.Contains(r.JSON["detail"].(string), "Windows") || strings.Contains(r.JSON["detail"].(string), "Smoke") {
			t.Fatalf("submit with pending: %s", r.Body)
		}
		a.do("PATCH", "/v1/inspections/"+iid+"/items/"+item1, map[string]any{"result": "na"}).must(t, 200)
		sub := a.do("POST", "/v1/inspections/"+iid+"/submit", nil).must(t, 200).obj("data")
		if sub["status"] != "submitted" || sub["completed_at"] == nil {
			t.Fatalf("submitted = %v", sub)
		}
		if len(a.eventsOf("inspection.submitted")) != 1 || len(a.eventsOf("inspection.completed")) != 1 {
			t.Fatal("submit must record inspection.submitted and inspection.completed")
		}
		completed := a.eventsOf("inspection.completed")[0]
		for _, f := range []string{`"id":` + iid, `"property_id":`, `"unit_id":`, `"completed_at":"`} {
			if !strings.Contains(string(completed.Data), f) {
				t.Fatalf("inspection.completed lacks %s: %s", f, completed.Data)
			}
		}
		a.do("POST", "/v1/inspections/"+iid+"/items", map[string]any{"label": "Late"}).must(t, 409)
		a.do("POST", "/v1/inspections/"+iid+"/reject", nil).must(t, 400)
		a.do("POST", "/v1/inspections/"+iid+"/reject", map[string]any{"reason": "  "}).must(t, 400)
		ap := a.do("POST", "/v1/inspections/"+iid+"/approve", nil).must(t, 200).obj("data")
		if ap["status"] != "approved" || ap["reviewed_at"] == nil {
			t.Fatalf("approved = %v", ap)
		}
		a.do("POST", "/v1/inspections/"+iid+"/reject", map[string]any{"reason": "late"}).must(t, 409)

		// The other one is rejected.
		did := id(def)
		a.do("POST", "/v1/inspections/"+did+"/start", nil).must(t, 200)
		a.do("POST", "/v1/inspections/"+did+"/submit", nil).must(t, 200)
		rj := a.do("POST", "/v1/inspections/"+did+"/reject", map[string]any{"reason": "photos missing"}).must(t, 200).obj("data")
		if rj["status"] != "rejected" || rj["rejection_reason"] != "photos missing" {
			t.Fatalf("rejected = %v", rj)
		}
		for _, e := range []string{"inspection.scheduled", "inspection.started", "inspection.approved", "inspection.rejected"} {
			if len(a.eventsOf(e)) == 0 {
				t.Errorf("no %s event", e)
			}
		}

		// Reads and filters.
		got := a.do("GET", "/v1/inspections/"+iid, nil).must(t, 200).obj("data")
		if len(got["items"].([]any)) != 3 {
			t.Fatalf("get = %v", got)
		}
		for q, want := range map[string]float64{
			"status=approved": 1, "status=rejected": 1, "property_id=" + itoa(int(pid)): 2, "unit_id=" + itoa(int(uid)): 1, "": 2,
		} {
			l := a.do("GET", "/v1/inspections?"+q, nil).must(t, 200)
			if l.obj("meta")["total"] != want {
				t.Errorf("%s: %s", q, l.Body)
			}
		}
		a.do("GET", "/v1/inspections?status=done", nil).must(t, 400)
		a.do("GET", "/v1/inspections?unit_id=x", nil).must(t, 400)

		// Another organization: 404 on every path with an id.
		for _, c := range []struct {
			method, path string
			body         any
		}{
			{"GET", "/v1/inspections/" + iid, nil}, {"POST", "/v1/inspections/" + iid + "/start", nil},
			{"POST", "/v1/inspections/" + iid + "/submit", nil}, {"POST", "/v1/inspections/" + iid + "/approve", nil},
			{"POST", "/v1/inspections/" + iid + "/reject", map[string]any{"reason": "x"}},
			{"POST", "/v1/inspections/" + iid + "/items", map[string]any{"label": "x"}},
			{"PATCH", "/v1/inspections/" + iid + "/items/" + item0, map[string]any{"result": "pass"}},
		} {
			a.doKey(a.otherKey, c.method, c.path, c.body, nil).must(t, 404)
		}
		if l := a.doKey(a.otherKey, "GET", "/v1/inspections", nil, nil).must(t, 200); l.obj("meta")["total"] != 0.0 {
			t.Fatalf("other org sees inspections: %s", l.Body)
		}
	})
}
