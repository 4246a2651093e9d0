package http_test

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestCleaningAPI(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		prop := a.do("POST", "/v1/properties", map[string]any{"name": "Riad Yasmine"}).must(t, 201).obj("data")["id"].(float64)
		unit := a.do("POST", "/v1/units", map[string]any{"property_id": prop, "name": "Suite"}).must(t, 201).obj("data")["id"].(float64)
		book := func(in, out string) float64 {
			return a.do("POST", "/v1/bookings", map[string]any{"unit_id": unit, "guest_name": "Karim B.", "check_in": in, "check_out": out,
				"nightly_rate": "80.00", "currency": "MAD", "status": "confirmed"}).must(t, 201).obj("data")["id"].(float64)
		}
		first := book("2025-08-01", "2025-08-04")
		book("2025-08-04", "2025-08-06") // same-day turnover
		l := a.do("GET", "/v1/cleaning_tasks?booking_id="+itoa(int(first)), nil).must(t, 200)
		items := l.Body
		if l.obj("meta")["total"] != 1.0 || !strings.Contains(string(items), `"priority":"high"`) || !strings.Contains(string(items), `"due_by":"2025-08-04"`) {
			t.Fatalf("auto task: %s", items)
		}
		staff := a.do("POST", "/v1/staff", map[string]any{"name": "Fatima", "email": "fatima@example.com", "role": "maintenance"}).must(t, 201).obj("data")["id"].(float64)

		// Bad input: 400 naming the field, nothing written.
		before := a.eventCount()
		for _, c := range []struct {
			body  map[string]any
			field string
		}{
			{map[string]any{"due_from": "2025-08-10"}, "unit_id"},
			{map[string]any{"unit_id": unit}, "due_from"},
			{map[string]any{"unit_id": unit, "due_from": "2025-13-01"}, "due_from"},
			{map[string]any{"unit_id": unit, "due_from": "2025-08-10", "due_by": "2025-08-09"}, "due_by"},
			{map[string]any{"unit_id": unit, "due_from": "2025-08-10", "priority": "asap"}, "priority"},
			{map[string]any{"unit_id": unit, "due_from": "2025-08-10", "checklist": []string{" "}}, "checklist[0].label"},
			{map[string]any{"unit_id": unit, "due_from": "2025-08-10", "staff_id": 999999}, "staff_id"},
			{map[string]any{"unit_id": unit, "due_from": "2025-08-10", "booking_id": 999999}, "booking_id"},
		} {
			r := a.do("POST", "/v1/cleaning_tasks", c.body).must(t, 400)
			if !strings.Contains(string(r.Body), c.field) {
				t.Errorf("%v: %s", c.body, r.Body)
			}
		}
		if l := a.do("GET", "/v1/cleaning_tasks", nil).must(t, 200); l.obj("meta")["total"] != 2.0 || a.eventCount() != before {
			t.Fatalf("bad input wrote: %s", l.Body)
		}

		task := a.do("POST", "/v1/cleaning_tasks", map[string]any{"unit_id": unit, "due_from": "2025-08-10", "notes": "deep clean"}).must(t, 201).obj("data")
		path := "/v1/cleaning_tasks/" + itoa(int(task["id"].(float64)))
		r0 := a.do("PATCH", path, map[string]any{"priority": "urgent"}).must(t, 400)
		if !strings.Contains(string(r0.Body), "priority") {
			t.Fatalf("patch priority: %s", r0.Body)
		}
		if p := a.do("PATCH", path, map[string]any{"checklist": []map[string]any{{"label": "Linen", "done": true}}, "due_by": "2025-08-11"}).must(t, 200).obj("data"); p["due_by"] != "2025-08-11" {
			t.Fatalf("patched = %v", p)
		}
		a.do("POST", path+"/start", nil).must(t, 409)
		a.do("POST", path+"/complete", map[string]any{}).must(t, 409)
		r := a.do("POST", path+"/assign", map[string]any{}).must(t, 400)
		if !strings.Contains(string(r.Body), "staff_id") {
			t.Fatalf("assign nobody: %s", r.Body)
		}
		a.do("POST", path+"/assign", map[string]any{"staff_id": staff}).must(t, 200)
		a.do("POST", path+"/start", nil).must(t, 200)
		done := a.do("POST", path+"/complete", map[string]any{"checklist": []map[string]any{{"label": "Linen", "done": true}}, "notes": "ok"}).must(t, 200).obj("data")
		if done["status"] != "completed" {
			t.Fatalf("completed = %v", done)
		}
		a.do("POST", path+"/skip", map[string]any{"reason": "late"}).must(t, 409)
		evs := a.allEvents(t)
		if evs[0].Type != "cleaning.completed" || evs[1].Type != "cleaning.assigned" || !strings.Contains(string(evs[0].Data), `"cleaning_task":{"id":`) {
			t.Fatalf("events %s %s %s", evs[0].Type, evs[1].Type, evs[0].Data)
		}
		var auto struct {
			Data []struct {
				ID int `json:"id"`
			} `json:"data"`
		}
		if err := json.Unmarshal(a.do("GET", "/v1/cleaning_tasks?booking_id="+itoa(int(first)), nil).must(t, 200).Body, &auto); err != nil || len(auto.Data) != 1 {
			t.Fatalf("auto task: %v", err)
		}
		skipped := a.do("POST", "/v1/cleaning_tasks/"+itoa(auto.Data[0].ID)+"/skip", map[string]any{"reason": "guest stays late", "reschedule_to": "2025-08-05"}).must(t, 200).obj("data")
		if skipped["status"] != "skipped" || skipped["rescheduled_to_id"] == nil {
			t.Fatalf("skipped = %v", skipped)
		}

		for q, want := range map[string]float64{
			"": 4, "?status=skipped": 1, "?staff_id=" + itoa(int(staff)): 1, "?property_id=" + itoa(int(prop)): 4,
			"?unit_id=" + itoa(int(unit)): 4, "?from=2025-08-05&to=2025-08-10": 3,
		} {
			if l := a.do("GET", "/v1/cleaning_tasks"+q, nil).must(t, 200); l.obj("meta")["total"] != want {
				t.Errorf("GET /v1/cleaning_tasks%s: total %v, want %v", q, l.obj("meta")["total"], want)
			}
		}
		a.do("GET", "/v1/cleaning_tasks?status=dirty", nil).must(t, 400)
		a.do("GET", "/v1/cleaning_tasks?from=2025-08-10&to=2025-08-01", nil).must(t, 400)

		reader := a.scopedKey("cleaning:read")
		a.doKey(reader, "GET", path, nil, nil).must(t, 200)
		a.doKey(reader, "POST", "/v1/cleaning_tasks", map[string]any{"unit_id": unit, "due_from": "2025-08-10"}, nil).must(t, 403)
		a.doKey(a.scopedKey("bookings:read"), "GET", "/v1/cleaning_tasks", nil, nil).must(t, 403)
		a.doKey(a.otherKey, "GET", path, nil, nil).must(t, 404)
		a.doKey(a.otherKey, "POST", path+"/assign", map[string]any{"staff_id": staff}, nil).must(t, 404)
		if l := a.doKey(a.otherKey, "GET", "/v1/cleaning_tasks", nil, nil).must(t, 200); l.obj("meta")["total"] != 0.0 {
			t.Fatalf("other org lists %s", l.Body)
		}
	})
}

func TestGuestMessagesAPI(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		prop := a.do("POST", "/v1/properties", map[string]any{"name": "Riad Yasmine"}).must(t, 201).obj("data")["id"].(float64)
		unit := a.do("POST", "/v1/units", map[string]any{"property_id": prop, "name": "Suite Atlas"}).must(t, 201).obj("data")["id"].(float64)
		bk := a.do("POST", "/v1/bookings", map[string]any{"unit_id": unit, "guest_name": "Karim Bennani", "guest_phone": "+212 600-000-001",
			"check_in": "2025-08-01", "check_out": "2025-08-04", "nightly_rate": "80.00", "currency": "MAD"}).must(t, 201).obj("data")
		tpl := a.do("POST", "/v1/whatsapp/templates", map[string]any{"name": "welcome",
			"body": "Hello {{guest_first_name}}, see you on {{ check_in }} at {{property_name}} ({{unit_name}}). Ref {{reference}}, {{nights}} nights, {{total}} {{currency}}."}).must(t, 201).obj("data")
		if ph := tpl["placeholders"].([]any); len(ph) != 8 {
			t.Fatalf("placeholders = %v", ph)
		}
		a.do("POST", "/v1/whatsapp/templates", map[string]any{"name": "welcome", "body": "x"}).must(t, 409)
		r := a.do("POST", "/v1/whatsapp/templates", map[string]any{"name": "bad", "body": "Hi {{guest.Name}} {{printf}}"}).must(t, 400)
		if !strings.Contains(string(r.Body), "body") || !strings.Contains(string(r.Body), "{{printf}}") {
			t.Fatalf("unknown placeholder: %s", r.Body)
		}
		if l := a.do("GET", "/v1/whatsapp/templates", nil).must(t, 200); !strings.Contains(string(l.Body), `"welcome"`) {
			t.Fatalf("templates %s", l.Body)
		}

		m := a.do("POST", "/v1/whatsapp/messages", map[string]any{"booking_id": bk["id"], "template_id": tpl["id"]}).must(t, 201).obj("data")
		want := "Hello Karim, see you on 2025-08-01 at Riad Yasmine (Suite Atlas). Ref " + bk["reference"].(string) + ", 3 nights, 240.00 MAD."
		if m["body"] != want || m["status"] != "queued" || m["to"] != "+212600000001" || m["channel"] != "whatsapp" || m["booking_id"] != bk["id"] {
			t.Fatalf("message = %v\nwant body %q", m, want)
		}
		raw := a.do("POST", "/v1/whatsapp/messages", map[string]any{"booking_id": bk["id"], "body": "Your code is 4711, {{guest_name}}", "to": "+33 6 12 34 56 78"}).must(t, 201).obj("data")
		if raw["body"] != "Your code is 4711, Karim Bennani" || raw["to"] != "+33612345678" {
			t.Fatalf("raw = %v", raw)
		}

		before := a.eventCount()
		for _, c := range []struct {
			body  map[string]any
			field string
		}{
			{map[string]any{"template_id": tpl["id"]}, "booking_id"},
			{map[string]any{"booking_id": 999999, "body": "x"}, "booking_id"},
			{map[string]any{"booking_id": bk["id"]}, "template_id"},
			{map[string]any{"booking_id": bk["id"], "template_id": 999999}, "template_id"},
			{map[string]any{"booking_id": bk["id"], "template_id": tpl["id"], "body": "x"}, "body"},
			{map[string]any{"booking_id": bk["id"], "body": "{{nope}}"}, "body"},
			{map[string]any{"booking_id": bk["id"], "body": "x", "to": "0600"}, "to"},
			{map[string]any{"booking_id": bk["id"], "body": strings.Repeat("x", 5000)}, "body"},
		} {
			r := a.do("POST", "/v1/whatsapp/messages", c.body).must(t, 400)
			if !strings.Contains(string(r.Body), c.field) {
				t.Errorf("%v: %s", c.body, r.Body)
			}
		}
		if l := a.do("GET", "/v1/whatsapp/messages", nil).must(t, 200); l.obj("meta")["total"] != 2.0 || a.eventCount() != before {
			t.Fatalf("bad input wrote: %s", l.Body)
		}
		a.do("GET", "/v1/whatsapp/messages?status=queued&booking_id="+itoa(int(bk["id"].(float64))), nil).must(t, 200)
		a.do("GET", "/v1/whatsapp/messages?status=lost", nil).must(t, 400)

		path := "/v1/whatsapp/messages/" + itoa(int(m["id"].(float64)))
		reader := a.scopedKey("whatsapp:read")
		a.doKey(reader, "GET", path, nil, nil).must(t, 200)
		a.doKey(reader, "POST", "/v1/whatsapp/messages", map[string]any{"booking_id": bk["id"], "body": "x"}, nil).must(t, 403)
		a.doKey(a.scopedKey("whatsapp:write"), "POST", "/v1/whatsapp/messages", map[string]any{"booking_id": bk["id"], "body": "x"}, nil).must(t, 201)
		a.doKey(a.otherKey, "GET", path, nil, nil).must(t, 404)
		a.doKey(a.otherKey, "GET", "/v1/whatsapp/templates/"+itoa(int(tpl["id"].(float64))), nil, nil).must(t, 404)
		r = a.doKey(a.otherKey, "POST", "/v1/whatsapp/messages", map[string]any{"booking_id": bk["id"], "body": "x"}, nil).must(t, 400)
		if !strings.Contains(string(r.Body), "booking_id") {
			t.Fatalf("other org's booking: %s", r.Body)
		}
	})
}
