package http_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"porter"
)

// woFixture is one organization's property with a unit, a second property
// with its own unit, and an active vendor.
type woFixture struct {
	property, unit, otherProperty, otherUnit, vendor float64
}

func (a *api) woFixture(t *testing.T) woFixture {
	t.Helper()
	var f woFixture
	f.property = a.do("POST", "/v1/properties", map[string]any{"name": "Maple Court"}).must(t, 201).obj("data")["id"].(float64)
	f.unit = a.do("POST", "/v1/units", map[string]any{"property_id": f.property, "name": "12B"}).must(t, 201).obj("data")["id"].(float64)
	f.otherProperty = a.do("POST", "/v1/properties", map[string]any{"name": "Oak House"}).must(t, 201).obj("data")["id"].(float64)
	f.otherUnit = a.do("POST", "/v1/units", map[string]any{"property_id": f.otherProperty, "name": "1"}).must(t, 201).obj("data")["id"].(float64)
	f.vendor = a.do("POST", "/v1/vendors", map[string]any{"name": "Drip Plumbing", "trade": "plumbing"}).must(t, 201).obj("data")["id"].(float64)
	return f
}

func (a *api) newWorkOrder(t *testing.T, f woFixture, extra map[string]any) map[string]any {
	t.Helper()
	body := map[string]any{"property_id": f.property, "unit_id": f.unit, "title": "Kitchen tap dripping",
		"description": "Cold tap has been dripping for 2 days.", "category": "plumbing"}
	for k, v := range extra {
		body[k] = v
	}
	return a.do("POST", "/v1/work_orders", body).must(t, 201).obj("data")
}

func idPath(m map[string]any) string { return "/v1/work_orders/" + itoa(int(m["id"].(float64))) }

// events returns the organization's events, newest first.
func (a *api) allEvents(t *testing.T) []*porter.Event {
	t.Helper()
	l, err := a.svc.Events(context.Background(), a.org, porter.EventFilter{ListParams: porter.ListParams{PerPage: 100}})
	if err != nil {
		t.Fatal(err)
	}
	return l.Items
}

func prevAttrs(t *testing.T, e *porter.Event) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(e.PreviousAttributes, &m); err != nil {
		t.Fatalf("%s previous_attributes %q: %v", e.Type, e.PreviousAttributes, err)
	}
	return m
}

func TestVendors(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		v := a.do("POST", "/v1/vendors", map[string]any{"name": " Drip Plumbing ", "trade": "plumbing", "email": "Ops@Drip.example", "phone": "+1555"}).must(t, 201).obj("data")
		if v["name"] != "Drip Plumbing" || v["status"] != "active" || v["email"] != "ops@drip.example" {
			t.Fatalf("vendor = %v", v)
		}
		path := "/v1/vendors/" + itoa(int(v["id"].(float64)))
		before := a.eventCount()
		for _, bad := range []map[string]any{
			{"trade": "plumbing"},
			{"name": "  "},
			{"name": "X", "email": "not an email"},
			{"name": "X", "status": "retired"},
			{"name": "X", "colour": "red"},
			{"name": 5},
		} {
			a.do("POST", "/v1/vendors", bad).must(t, 400)
		}
		a.do("PATCH", path, map[string]any{"status": "retired"}).must(t, 400)
		a.do("PATCH", path, map[string]any{"name": ""}).must(t, 400)
		if a.eventCount() != before {
			t.Fatal("bad input recorded an event")
		}
		u := a.do("PATCH", path, map[string]any{"status": "inactive"}).must(t, 200).obj("data")
		if u["status"] != "inactive" || u["name"] != "Drip Plumbing" {
			t.Fatalf("patched = %v", u)
		}
		evs := a.allEvents(t)
		if evs[0].Type != "vendor.updated" || evs[1].Type != "vendor.created" || evs[1].PreviousAttributes != nil {
			t.Fatalf("events: %s, %s", evs[0].Type, evs[1].Type)
		}
		if p := prevAttrs(t, evs[0]); len(p) != 1 || p["status"] != "active" {
			t.Fatalf("previous_attributes = %v", p)
		}
		a.do("POST", "/v1/vendors", map[string]any{"name": "Sparks", "trade": "electrical"}).must(t, 201)
		if l := a.do("GET", "/v1/vendors?status=inactive", nil).must(t, 200); l.obj("meta")["total"] != 1.0 {
			t.Fatalf("list: %s", l.Body)
		}
		if l := a.do("GET", "/v1/vendors?trade=electrical", nil).must(t, 200); l.obj("meta")["total"] != 1.0 {
			t.Fatalf("list: %s", l.Body)
		}
		a.do("GET", "/v1/vendors?status=bogus", nil).must(t, 400)
		a.do("GET", path, nil).must(t, 200)
		a.doKey(a.otherKey, "GET", path, nil, nil).must(t, 404)
		a.doKey(a.otherKey, "PATCH", path, map[string]any{"name": "stolen"}, nil).must(t, 404)
		a.do("GET", "/v1/vendors/999999", nil).must(t, 404)
		if l := a.doKey(a.otherKey, "GET", "/v1/vendors", nil, nil).must(t, 200); l.obj("meta")["total"] != 0.0 {
			t.Fatalf("other org sees vendors: %s", l.Body)
		}
	})
}

// woSteps drives a new work order to each status, from open.
var woSteps = map[string][]string{
	"open":        nil,
	"assigned":    {"assign"},
	"in_progress": {"assign", "start"},
	"on_hold":     {"assign", "start", "hold"},
	"completed":   {"assign", "start", "complete"},
	"verified":    {"assign", "start", "complete", "verify"},
	"closed":      {"assign", "start", "complete", "verify", "close"},
	"cancelled":   {"cancel"},
}

// woAllowed is the state machine as the API promises it: action → the
// statuses it may be taken from, and the status it leads to.
var woAllowed = map[string]struct {
	from []string
	to   string
}{
	"assign":   {[]string{"open", "assigned"}, "assigned"},
	"start":    {[]string{"assigned"}, "in_progress"},
	"hold":     {[]string{"in_progress"}, "on_hold"},
	"resume":   {[]string{"on_hold"}, "in_progress"},
	"complete": {[]string{"in_progress"}, "completed"},
	"verify":   {[]string{"completed"}, "verified"},
	"close":    {[]string{"verified"}, "closed"},
	"cancel":   {[]string{"open", "assigned", "in_progress", "on_hold", "completed", "verified"}, "cancelled"},
}

var woEvents = map[string]string{
	"assign": "work_order.assigned", "start": "work_order.started", "hold": "work_order.on_hold",
	"resume": "work_order.resumed", "complete": "work_order.completed", "verify": "work_order.verified",
	"close": "work_order.closed", "cancel": "work_order.cancelled",
}

func TestWorkOrderStateMachine(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		f := a.woFixture(t)
		for _, from := range porter.WorkOrderStatuses {
			for _, action := range []string{"assign", "start", "hold", "resume", "complete", "verify", "close", "cancel"} {
				rule := woAllowed[action]
				allowed := false
				for _, s := range rule.from {
					allowed = allowed || s == from
				}
				if porter.WorkOrderActionAllowed(action, from) != allowed {
					t.Errorf("domain and test disagree on %s from %s", action, from)
				}
				wo := a.newWorkOrder(t, f, nil)
				path := idPath(wo)
				for _, step := range woSteps[from] {
					var body any
					if step == "assign" {
						body = map[string]any{"vendor_id": f.vendor}
					}
					a.do("POST", path+"/"+step, body).must(t, 200)
				}
				cur := a.do("GET", path, nil).must(t, 200).obj("data")
				if cur["status"] != from {
					t.Fatalf("setup: status %v, want %s", cur["status"], from)
				}
				var body any
				switch action {
				case "assign":
					body = map[string]any{"assigned_to": "Bob"}
				case "complete":
					body = map[string]any{"resolution_notes": "Replaced the washer"}
				}
				events := a.eventCount()
				r := a.do("POST", path+"/"+action, body)
				if !allowed {
					r.must(t, 409)
					if d, _ := r.JSON["detail"].(string); !strings.Contains(d, "its status is "+from) {
						t.Fatalf("%s from %s: detail %q does not name the status", action, from, d)
					}
					after := a.do("GET", path, nil).must(t, 200).obj("data")
					if a.eventCount() != events || after["updated_at"] != cur["updated_at"] || after["status"] != from {
						t.Fatalf("%s from %s: a refused transition wrote something", action, from)
					}
					continue
				}
				got := r.must(t, 200).obj("data")
				if got["status"] != rule.to {
					t.Fatalf("%s from %s: status %v, want %s", action, from, got["status"], rule.to)
				}
				if a.eventCount() != events+2 {
					t.Fatalf("%s from %s: %d events, want 2", action, from, a.eventCount()-events)
				}
				evs := a.allEvents(t)
				if evs[1].Type != woEvents[action] || evs[0].Type != "work_order.updated" {
					t.Fatalf("%s from %s: events %s, %s", action, from, evs[1].Type, evs[0].Type)
				}
				for _, e := range evs[:2] {
					p := prevAttrs(t, e)
					if action == "assign" && from == "assigned" {
						if p["assigned_to"] != "" || p["status"] != nil {
							t.Fatalf("reassign %s previous_attributes = %v", e.Type, p)
						}
					} else if p["status"] != from {
						t.Fatalf("%s from %s: %s previous_attributes = %v", action, from, e.Type, p)
					}
					var d map[string]any
					json.Unmarshal(e.Data, &d)
					if d["status"] != rule.to || d["id"] != wo["id"] {
						t.Fatalf("%s data = %v", e.Type, d)
					}
				}
				stamp := map[string]string{"complete": "completed_at", "verify": "verified_at", "close": "closed_at", "cancel": "cancelled_at"}[action]
				if stamp != "" && got[stamp] == nil {
					t.Fatalf("%s: %s not set: %v", action, stamp, got)
				}
				if action == "complete" && got["resolution_notes"] != "Replaced the washer" {
					t.Fatalf("resolution_notes = %v", got["resolution_notes"])
				}
			}
		}
	})
}

func TestWorkOrderCreate(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		f := a.woFixture(t)
		wo := a.newWorkOrder(t, f, nil)
		want := map[string]any{"status": "open", "priority": "normal", "reported_by": "manager", "category": "plumbing",
			"unit_id": f.unit, "property_id": f.property, "vendor_id": nil, "assigned_to": "", "sla_breached_at": nil}
		for k, v := range want {
			if wo[k] != v {
				t.Fatalf("%s = %v, want %v", k, wo[k], v)
			}
		}
		for prio, window := range map[string]time.Duration{"emergency": 4 * time.Hour, "high": 24 * time.Hour, "normal": 72 * time.Hour, "low": 7 * 24 * time.Hour} {
			w := a.newWorkOrder(t, f, map[string]any{"priority": prio, "reported_by": "tenant"})
			due, _ := time.Parse(time.RFC3339, w["due_at"].(string))
			if !due.Equal(a.now.Add(window)) || w["reported_by"] != "tenant" {
				t.Fatalf("%s: due_at %v, reported_by %v", prio, w["due_at"], w["reported_by"])
			}
			evs := a.allEvents(t)
			if prio == "emergency" {
				if evs[0].Type != "work_order.escalated" || evs[1].Type != "work_order.created" {
					t.Fatalf("emergency events: %s, %s", evs[0].Type, evs[1].Type)
				}
			} else if evs[0].Type != "work_order.created" {
				t.Fatalf("%s: event %s", prio, evs[0].Type)
			}
		}
		// Without a unit.
		if w := a.newWorkOrder(t, f, map[string]any{"unit_id": nil}); w["unit_id"] != nil {
			t.Fatalf("unit_id = %v", w["unit_id"])
		}

		events := a.eventCount()
		total := a.do("GET", "/v1/work_orders", nil).must(t, 200).obj("meta")["total"]
		base := map[string]any{"property_id": f.property, "title": "T", "description": "D"}
		with := func(k string, v any) map[string]any {
			m := map[string]any{}
			for bk, bv := range base {
				m[bk] = bv
			}
			if v == nil {
				delete(m, k)
			} else {
				m[k] = v
			}
			return m
		}
		for _, c := range []struct {
			body  map[string]any
			field string
		}{
			{with("title", nil), "title"},
			{with("title", "  "), "title"},
			{with("description", nil), "description"},
			{with("property_id", nil), "property_id"},
			{with("property_id", 999999), "property_id 999999 does not exist"},
			{with("unit_id", 999999), "unit_id 999999 does not exist"},
			{with("unit_id", f.otherUnit), "does not belong to property_id"},
			{with("priority", "urgent"), "priority must be one of low, normal, high, emergency"},
			{with("priority", ""), "priority"},
			{with("status", "closed"), "status is not a known field"},
			{with("vendor_id", f.vendor), "vendor_id is not a known field"},
			{with("unit_id", "12"), "unit_id must be an integer"},
		} {
			r := a.do("POST", "/v1/work_orders", c.body).must(t, 400)
			if d, _ := r.JSON["detail"].(string); !strings.Contains(d, c.field) {
				t.Fatalf("%v: detail %q does not name %q", c.body, d, c.field)
			}
		}
		// Another organization's property and unit do not exist for it.
		a.doKey(a.otherKey, "POST", "/v1/work_orders", base, nil).must(t, 400)
		other := a.doKey(a.otherKey, "POST", "/v1/properties", map[string]any{"name": "Theirs"}, nil).must(t, 201).obj("data")
		a.do("POST", "/v1/work_orders", with("property_id", other["id"])).must(t, 400)
		a.doKey(a.otherKey, "POST", "/v1/work_orders", map[string]any{"property_id": other["id"], "unit_id": f.unit, "title": "T", "description": "D"}, nil).must(t, 400)
		if a.eventCount() != events || a.do("GET", "/v1/work_orders", nil).must(t, 200).obj("meta")["total"] != total {
			t.Fatal("bad input wrote something")
		}
	})
}

func TestSeedCreateWorkOrder(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		f := a.woFixture(t)
		r := a.do("POST", "/api/action_create_work_order.php", map[string]any{
			"title": "Kitchen tap dripping", "description": "Cold tap has been dripping for 2 days.",
			"property_id": f.property, "unit_id": f.unit, "priority": "high", "category": "plumbing", "zap_meta": "ignored",
		}).must(t, 200)
		wo := r.obj("work_order")
		if len(r.JSON) != 1 || wo["id"] == nil || wo["title"] != "Kitchen tap dripping" || wo["status"] != "open" || wo["priority"] != "high" || wo["unit_id"] != f.unit {
			t.Fatalf("response: %s", r.Body)
		}
		// No-code tools send ids as strings and unmapped fields as "".
		r = a.do("POST", "/api/action_create_work_order.php", fmt.Sprintf(
			`{"title":"Lights out","description":"Hallway","property_id":"%d","unit_id":"","priority":"","category":""}`, int(f.property))).must(t, 200)
		if wo := r.obj("work_order"); wo["priority"] != "normal" || wo["unit_id"] != nil || wo["reported_by"] != "manager" {
			t.Fatalf("response: %s", r.Body)
		}
		events := a.eventCount()
		for _, c := range []struct {
			body, want string
		}{
			{`{"description":"D","property_id":1}`, "title is required"},
			{`{"title":"T","property_id":` + itoa(int(f.property)) + `}`, "description is required"},
			{`{"title":"T","description":"D"}`, "property_id is required"},
			{`{"title":"T","description":"D","property_id":"abc"}`, "property_id must be an integer"},
			{`{"title":"T","description":"D","property_id":999999}`, "property_id 999999 does not exist"},
			{fmt.Sprintf(`{"title":"T","description":"D","property_id":%d,"unit_id":%d}`, int(f.property), int(f.otherUnit)), "does not belong to property_id"},
			{fmt.Sprintf(`{"title":"T","description":"D","property_id":%d,"priority":"urgent"}`, int(f.property)), "priority must be one of"},
			{`not json`, "not valid JSON"},
		} {
			r := a.do("POST", "/api/action_create_work_order.php", c.body).must(t, 400)
			if msg, _ := r.JSON["error"].(string); len(r.JSON) != 1 || !strings.Contains(msg, c.want) {
				t.Fatalf("%s: %s, want error containing %q", c.body, r.Body, c.want)
			}
		}
		if a.eventCount() != events {
			t.Fatal("bad input recorded an event")
		}
		a.doKey("", "POST", "/api/action_create_work_order.php", map[string]any{"title": "T"}, nil).must(t, 401)
		a.do("POST", "/api/action_create_work_order", map[string]any{"title": "T"}).must(t, 404)

		// Scopes: tenants-only keys may not, seed 003's maintenance:write may.
		ctx := context.Background()
		tenantsOnly, _, err := a.svc.CreateAPIKey(ctx, a.org, porter.APIKeyInput{Name: "tenants", Scopes: []string{"tenants:write"}})
		if err != nil {
			t.Fatal(err)
		}
		maint, _, err := a.svc.CreateAPIKey(ctx, a.org, porter.APIKeyInput{Name: "maint", Scopes: []string{"maintenance:write"}})
		if err != nil {
			t.Fatal(err)
		}
		body := map[string]any{"title": "T", "description": "D", "property_id": f.property}
		a.doKey(tenantsOnly, "POST", "/api/action_create_work_order.php", body, nil).must(t, 403)
		a.doKey(maint, "POST", "/api/action_create_work_order.php", body, nil).must(t, 200)
		a.doKey(maint, "GET", "/v1/work_orders", nil, nil).must(t, 200)
		a.doKey(maint, "GET", "/v1/vendors", nil, nil).must(t, 403)
	})
}

func TestWorkOrderUpdate(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		f := a.woFixture(t)
		wo := a.newWorkOrder(t, f, map[string]any{"priority": "low"})
		path := idPath(wo)

		u := a.do("PATCH", path, map[string]any{"title": "Tap replaced?", "category": "plumbing/urgent"}).must(t, 200).obj("data")
		if u["title"] != "Tap replaced?" || u["status"] != "open" {
			t.Fatalf("patched = %v", u)
		}
		evs := a.allEvents(t)
		if evs[0].Type != "work_order.updated" {
			t.Fatalf("event %s", evs[0].Type)
		}
		if p := prevAttrs(t, evs[0]); len(p) != 2 || p["title"] != "Kitchen tap dripping" || p["category"] != "plumbing" {
			t.Fatalf("previous_attributes = %v", p)
		}
		// Raising to emergency escalates and moves the deadline.
		u = a.do("PATCH", path, map[string]any{"priority": "emergency"}).must(t, 200).obj("data")
		if due, _ := time.Parse(time.RFC3339, u["due_at"].(string)); !due.Equal(a.now.Add(4 * time.Hour)) {
			t.Fatalf("due_at = %v", u["due_at"])
		}
		evs = a.allEvents(t)
		if evs[0].Type != "work_order.escalated" || evs[1].Type != "work_order.updated" {
			t.Fatalf("events %s, %s", evs[0].Type, evs[1].Type)
		}
		if p := prevAttrs(t, evs[0]); p["priority"] != "low" || p["due_at"] == nil {
			t.Fatalf("escalated previous_attributes = %v", p)
		}
		// Staying emergency does not escalate again.
		n := a.eventCount()
		a.do("PATCH", path, map[string]any{"priority": "emergency", "description": "Worse"}).must(t, 200)
		if a.eventCount() != n+1 {
			t.Fatal("a second escalation was recorded")
		}

		// Clearing and setting references.
		u = a.do("PATCH", path, map[string]any{"unit_id": 0, "vendor_id": f.vendor, "assigned_to": "Bob"}).must(t, 200).obj("data")
		if u["unit_id"] != nil || u["vendor_id"] != f.vendor || u["assigned_to"] != "Bob" {
			t.Fatalf("patched = %v", u)
		}
		inactive := a.do("POST", "/v1/vendors", map[string]any{"name": "Gone", "status": "inactive"}).must(t, 201).obj("data")["id"]
		n = a.eventCount()
		for _, c := range []struct {
			body map[string]any
			want string
		}{
			{map[string]any{"unit_id": f.otherUnit}, "does not belong to property_id"},
			{map[string]any{"unit_id": 999999}, "unit_id 999999 does not exist"},
			{map[string]any{"vendor_id": 999999}, "vendor_id 999999 does not exist"},
			{map[string]any{"vendor_id": inactive}, "is inactive"},
			{map[string]any{"priority": "urgent"}, "priority"},
			{map[string]any{"title": ""}, "title is required"},
			{map[string]any{"property_id": f.otherProperty}, "property_id is not a known field"},
			{map[string]any{"status": "closed"}, "status is not a known field"},
		} {
			r := a.do("PATCH", path, c.body).must(t, 400)
			if d, _ := r.JSON["detail"].(string); !strings.Contains(d, c.want) {
				t.Fatalf("%v: detail %q, want %q", c.body, d, c.want)
			}
		}
		// Assignment needs someone, who exists and is active.
		a.do("POST", path+"/assign", nil).must(t, 400)
		a.do("POST", path+"/assign", map[string]any{}).must(t, 400)
		a.do("POST", path+"/assign", map[string]any{"vendor_id": 999999}).must(t, 400)
		a.do("POST", path+"/assign", map[string]any{"vendor_id": inactive}).must(t, 400)
		a.do("POST", path+"/assign", map[string]any{"vendor_id": f.vendor, "colour": "red"}).must(t, 400)
		theirVendor := a.doKey(a.otherKey, "POST", "/v1/vendors", map[string]any{"name": "Theirs"}, nil).must(t, 201).obj("data")["id"]
		a.do("POST", path+"/assign", map[string]any{"vendor_id": theirVendor}).must(t, 400)
		if a.eventCount() != n {
			t.Fatal("bad input recorded an event")
		}
		a.do("POST", path+"/assign", map[string]any{"vendor_id": f.vendor}).must(t, 200)
		// While assigned, someone must stay named.
		a.do("PATCH", path, map[string]any{"vendor_id": 0, "assigned_to": ""}).must(t, 400)
		a.do("PATCH", path, map[string]any{"vendor_id": 0}).must(t, 200)
		// A vendor deactivated after assignment does not block other edits.
		wo2 := a.newWorkOrder(t, f, nil)
		v2 := a.do("POST", "/v1/vendors", map[string]any{"name": "Soon gone"}).must(t, 201).obj("data")["id"]
		a.do("POST", idPath(wo2)+"/assign", map[string]any{"vendor_id": v2}).must(t, 200)
		a.do("PATCH", "/v1/vendors/"+itoa(int(v2.(float64))), map[string]any{"status": "inactive"}).must(t, 200)
		a.do("PATCH", idPath(wo2), map[string]any{"title": "Still fine"}).must(t, 200)

		// Closed and cancelled work orders are final.
		a.do("POST", idPath(wo2)+"/cancel", nil).must(t, 200)
		r := a.do("PATCH", idPath(wo2), map[string]any{"title": "Again"}).must(t, 409)
		if d, _ := r.JSON["detail"].(string); !strings.Contains(d, "cancelled") {
			t.Fatalf("detail %q", d)
		}

		// Paths: unknown, malformed and foreign ids are 404 everywhere.
		for _, p := range []string{"/v1/work_orders/999999", "/v1/work_orders/abc", "/v1/work_orders/0"} {
			a.do("GET", p, nil).must(t, 404)
			a.do("PATCH", p, map[string]any{"title": "x"}).must(t, 404)
			a.do("POST", p+"/start", nil).must(t, 404)
		}
		a.doKey(a.otherKey, "GET", path, nil, nil).must(t, 404)
		a.doKey(a.otherKey, "PATCH", path, map[string]any{"title": "stolen"}, nil).must(t, 404)
		for action := range woAllowed {
			var body any
			if action == "assign" {
				body = map[string]any{"assigned_to": "Eve"}
			}
			a.doKey(a.otherKey, "POST", path+"/"+action, body, nil).must(t, 404)
		}
		// An empty assignment to a foreign work order is still 404, not 400.
		a.doKey(a.otherKey, "POST", path+"/assign", nil, nil).must(t, 404)
	})
}

func TestWorkOrderList(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		f := a.woFixture(t)
		a.newWorkOrder(t, f, map[string]any{"priority": "high"})
		a.newWorkOrder(t, f, map[string]any{"unit_id": nil})
		other := a.newWorkOrder(t, f, map[string]any{"property_id": f.otherProperty, "unit_id": f.otherUnit})
		a.do("POST", idPath(other)+"/assign", map[string]any{"vendor_id": f.vendor}).must(t, 200)
		count := func(q string) float64 {
			t.Helper()
			return a.do("GET", "/v1/work_orders"+q, nil).must(t, 200).obj("meta")["total"].(float64)
		}
		for q, want := range map[string]float64{
			"":                                      3,
			"?status=open":                          2,
			"?status=assigned":                      1,
			"?priority=high":                        1,
			"?property_id=" + itoa(int(f.property)): 2,
			"?unit_id=" + itoa(int(f.unit)):         1,
			"?vendor_id=" + itoa(int(f.vendor)):     1,
			"?status=open&priority=normal":          1,
			"?vendor_id=999999":                     0,
		} {
			if got := count(q); got != want {
				t.Errorf("%q: %v, want %v", q, got, want)
			}
		}
		a.do("GET", "/v1/work_orders?status=bogus", nil).must(t, 400)
		a.do("GET", "/v1/work_orders?priority=urgent", nil).must(t, 400)
		a.do("GET", "/v1/work_orders?unit_id=x", nil).must(t, 400)
		if n := a.doKey(a.otherKey, "GET", "/v1/work_orders", nil, nil).must(t, 200).obj("meta")["total"]; n != 0.0 {
			t.Fatalf("other org sees %v work orders", n)
		}
	})
}

// TestWorkOrderConcurrentTransitions: of several simultaneous starts, one
// wins and the others see the new status.
func TestWorkOrderConcurrentTransitions(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		f := a.woFixture(t)
		wo := a.newWorkOrder(t, f, nil)
		a.do("POST", idPath(wo)+"/assign", map[string]any{"vendor_id": f.vendor}).must(t, 200)
		events := a.eventCount()
		var mu sync.Mutex
		codes := map[int]int{}
		var wg sync.WaitGroup
		for i := 0; i < 8; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := a.do("POST", idPath(wo)+"/start", nil)
				mu.Lock()
				codes[r.Status]++
				mu.Unlock()
			}()
		}
		wg.Wait()
		if codes[200] != 1 || codes[409] != 7 {
			t.Fatalf("status codes: %v", codes)
		}
		if a.eventCount() != events+2 {
			t.Fatalf("%d events, want 2", a.eventCount()-events)
		}
	})
}
