package http_test

import (
	"strings"
	"testing"
	"time"
)

// seed000Events are the events seed 000 documents, and 004's aliases.
var seed000Events = []string{"payment.succeeded", "payment.failed", "work_order.created", "work_order.updated",
	"work_order.completed", "tenant.created", "lease.created", "lease.expiring_soon", "inspection.completed",
	"document.uploaded", "broadcast.sent"}

func TestTriggersList(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		r := a.do("GET", "/api/triggers.php", nil).must(t, 200)
		names := map[string]map[string]any{}
		for _, x := range r.JSON["triggers"].([]any) {
			m := x.(map[string]any)
			names[m["event"].(string)] = m
		}
		for _, e := range seed000Events {
			if names[e] == nil || names[e]["description"] == "" || names[e]["scope"] == "" {
				t.Errorf("triggers lack %s: %v", e, names[e])
			}
		}
		if !strings.Contains(string(r.Body), `"payment.received"`) || !strings.Contains(string(r.Body), `"lease.signed"`) {
			t.Error("aliases missing")
		}
		if r.JSON["count"] != float64(len(names)) {
			t.Errorf("count %v for %d triggers", r.JSON["count"], len(names))
		}
	})
}

func TestSeedPathsNeedTheirExtension(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		for _, p := range []string{"action_create_tenant", "action_create_work_order", "action_record_payment",
			"action_send_message", "action_create_charge", "trigger_poll", "triggers"} {
			a.do("POST", "/api/"+p, map[string]any{}).must(t, 404)
			a.do("GET", "/api/"+p, nil).must(t, 404)
		}
	})
}

func TestEventsAndPolling(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		t1 := a.do("POST", "/api/action_create_tenant.php", map[string]any{"email": "a@example.com", "first_name": "A", "last_name": "X"}).must(t, 200).obj("tenant")
		a.now = a.now.Add(time.Hour)
		a.do("PATCH", "/v1/tenants/"+itoa(int(t1["id"].(float64))), map[string]any{"phone": "+1555"}).must(t, 200)
		t2 := a.do("POST", "/api/action_create_tenant.php", map[string]any{"email": "b@example.com", "first_name": "B", "last_name": "X"}).must(t, 200).obj("tenant")

		// Newest first, filterable by type (names, aliases, families) and since.
		l := a.do("GET", "/v1/events", nil).must(t, 200)
		evs := l.JSON["data"].([]any)
		if len(evs) != 3 || evs[0].(map[string]any)["event"] != "tenant.created" || evs[1].(map[string]any)["event"] != "tenant.updated" {
			t.Fatalf("events: %s", l.Body)
		}
		upd := evs[1].(map[string]any)
		if prev := upd["previous_attributes"].(map[string]any); len(prev) != 1 || prev["phone"] != "" {
			t.Fatalf("previous_attributes: %v", upd)
		}
		id := upd["id"].(string)
		if !strings.HasPrefix(id, "evt_") || !strings.HasSuffix(upd["fired_at"].(string), "Z") {
			t.Fatalf("envelope: %v", upd)
		}
		one := a.do("GET", "/v1/events/"+id, nil).must(t, 200).obj("data")
		if one["id"] != id || one["event"] != "tenant.updated" {
			t.Fatalf("one: %v", one)
		}
		a.do("GET", "/v1/events/evt_1_999999", nil).must(t, 404)
		a.do("GET", "/v1/events/nope", nil).must(t, 404)
		if n := len(a.do("GET", "/v1/events?type=tenant.created", nil).must(t, 200).JSON["data"].([]any)); n != 2 {
			t.Fatalf("type filter: %d", n)
		}
		if n := len(a.do("GET", "/v1/events?type=tenant.*", nil).must(t, 200).JSON["data"].([]any)); n != 3 {
			t.Fatalf("family filter: %d", n)
		}
		if n := len(a.do("GET", "/v1/events?since=2025-05-09T15:00:00Z", nil).must(t, 200).JSON["data"].([]any)); n != 2 {
			t.Fatalf("since filter: %d", n)
		}
		a.do("GET", "/v1/events?type=bogus.event", nil).must(t, 400)
		a.do("GET", "/v1/events?since=yesterday", nil).must(t, 400)

		// Zapier's poll: newest first, stable ids, since respected.
		p := a.do("GET", "/api/trigger_poll.php?event=tenant.created&since=2025-05-09T00:00:00Z", nil).must(t, 200)
		res := p.JSON["results"].([]any)
		if p.JSON["event"] != "tenant.created" || p.JSON["since"] != "2025-05-09T00:00:00Z" || p.JSON["count"] != 2.0 || len(res) != 2 {
			t.Fatalf("poll: %s", p.Body)
		}
		if res[0].(map[string]any)["id"] != t2["id"] || res[1].(map[string]any)["id"] != t1["id"] {
			t.Fatalf("poll order or ids: %s", p.Body)
		}
		p = a.do("GET", "/api/trigger_poll.php?event=tenant.created&since=2025-05-09T15:00:00Z", nil).must(t, 200)
		if p.JSON["count"] != 1.0 {
			t.Fatalf("poll since: %s", p.Body)
		}
		if a.do("GET", "/api/trigger_poll.php?event=payment.received", nil).must(t, 200).JSON["count"] != 0.0 {
			t.Fatal("alias poll")
		}
		for _, q := range []string{"", "?event=lease.created", "?event=nope", "?event=tenant.created&since=bad"} {
			r := a.do("GET", "/api/trigger_poll.php"+q, nil).must(t, 400)
			if r.JSON["error"] == nil {
				t.Fatalf("poll %q: %s", q, r.Body)
			}
		}
		// Amounts keep their two decimals through the poll.
		a.do("POST", "/api/action_record_payment.php", map[string]any{"tenant_id": t1["id"], "amount": 1800}).must(t, 200)
		if p := a.do("GET", "/api/trigger_poll.php?event=payment.succeeded", nil).must(t, 200); !strings.Contains(string(p.Body), `"amount":1800.00`) {
			t.Fatalf("poll amount: %s", p.Body)
		}
		if e := a.do("GET", "/v1/events?per_page=1", nil).must(t, 200); !strings.Contains(string(e.Body), `"created_at":"2025-05-09T15:30:00Z"`) {
			t.Fatalf("times to the second: %s", e.Body)
		}
		// Another organization sees none of it.
		if other := a.doKey(a.otherKey, "GET", "/v1/events", nil, nil).must(t, 200); other.obj("meta")["total"] != 0.0 {
			t.Fatalf("other org sees events: %s", other.Body)
		}
		// A key sees only the events whose scope it holds.
		narrow := a.scopedKey("events:read", "payments:read")
		seen := a.doKey(narrow, "GET", "/v1/events", nil, nil).must(t, 200)
		if strings.Contains(string(seen.Body), "tenant.") || !strings.Contains(string(seen.Body), "payment.succeeded") {
			t.Fatalf("narrow key sees: %s", seen.Body)
		}
		a.doKey(narrow, "GET", "/v1/events?type=tenant.created", nil, nil).must(t, 403)
		a.doKey(narrow, "GET", "/v1/events/"+id, nil, nil).must(t, 403)
		if n := a.doKey(a.scopedKey("events:read"), "GET", "/v1/events", nil, nil).must(t, 200).obj("meta")["total"]; n != 0.0 {
			t.Fatalf("events:read alone sees %v events", n)
		}
		if n := len(a.do("GET", "/v1/events?updated_since=2025-05-09T15:00:00Z", nil).must(t, 200).JSON["data"].([]any)); n != 3 {
			t.Fatalf("updated_since: %d", n)
		}
		// Polling needs the event's scope.
		key := a.scopedKey("payments:read")
		a.doKey(key, "GET", "/api/trigger_poll.php?event=tenant.created", nil, nil).must(t, 403)
		a.doKey(key, "GET", "/api/trigger_poll.php?event=payment.succeeded", nil, nil).must(t, 200)
	})
}

func TestV1UnknownRoutesAreProblems(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		r := a.do("GET", "/v1/nope", nil).must(t, 404)
		if r.Header.Get("Content-Type") != "application/problem+json" || r.JSON["status"] != 404.0 {
			t.Fatalf("404: %s", r.Body)
		}
		r = a.do("DELETE", "/v1/tenants/1", nil).must(t, 405)
		if r.Header.Get("Content-Type") != "application/problem+json" || r.Header.Get("Allow") != "GET, PATCH" {
			t.Fatalf("405: %v %s", r.Header, r.Body)
		}
	})
}

// Text no store can keep, and pages past any offset, are 400s on both
// engines, never 500s.
func TestTextAndPageBounds(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		r := a.do("POST", "/api/action_create_tenant.php", `{"email":"n@example.com","first_name":"A\u0000","last_name":"B"}`).must(t, 400)
		if !strings.Contains(r.JSON["error"].(string), "first_name must not contain NUL") {
			t.Fatalf("NUL: %s", r.Body)
		}
		a.do("POST", "/v1/properties", map[string]any{"name": strings.Repeat("x", 70_000)}).must(t, 400)
		a.do("GET", "/v1/tenants?email=%FF", nil).must(t, 400)
		a.do("GET", "/v1/tenants?email=a%00b", nil).must(t, 400)
		a.doKey(a.key, "POST", "/v1/properties", `{"name":"P"}`, map[string][]string{"Idempotency-Key": {"\xff\xfe"}}).must(t, 400)
		a.do("GET", "/v1/tenants?page=30000000&per_page=100", nil).must(t, 400)
		a.do("GET", "/v1/tenants?page=1000000&per_page=100", nil).must(t, 200)
		if a.eventCount() != 0 {
			t.Fatal("bad input wrote events")
		}
		// The Bearer scheme is case-insensitive (RFC 9110).
		a.doKey("", "GET", "/v1/tenants", nil, map[string][]string{"Authorization": {"bearer " + a.key}}).must(t, 200)
	})
}

// A PATCH that changes nothing writes nothing and records no event.
func TestEmptyPatchWritesNothing(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		tn := a.do("POST", "/v1/tenants", map[string]any{"email": "a@example.com", "first_name": "A", "last_name": "X"}).must(t, 201).obj("data")
		p := a.do("POST", "/v1/properties", map[string]any{"name": "P"}).must(t, 201).obj("data")
		before := a.eventCount()
		a.now = a.now.Add(time.Hour)
		got := a.do("PATCH", "/v1/tenants/"+itoa(int(tn["id"].(float64))), map[string]any{}).must(t, 200).obj("data")
		a.do("PATCH", "/v1/tenants/"+itoa(int(tn["id"].(float64))), map[string]any{"first_name": "A"}).must(t, 200)
		a.do("PATCH", "/v1/properties/"+itoa(int(p["id"].(float64))), map[string]any{"name": "P"}).must(t, 200)
		if n := a.eventCount(); n != before || got["updated_at"] != tn["updated_at"] {
			t.Fatalf("no-op edits wrote %d events; updated_at %v -> %v", n-before, tn["updated_at"], got["updated_at"])
		}
		a.do("PATCH", "/v1/properties/"+itoa(int(p["id"].(float64))), map[string]any{"name": "Q"}).must(t, 200)
		if a.eventCount() != before+1 {
			t.Fatal("a real edit recorded no event")
		}
	})
}
