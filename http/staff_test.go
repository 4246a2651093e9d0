package http_test

import (
	"strings"
	"testing"
)

func TestStaff(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		for body, want := range map[string]string{
			`{}`:                            "name is required",
			`{"name":"Ann","role":"owner"}`: "role must be one of admin, manager, maintenance",
			`{"name":"Ann","email":"nope"}`: "email must be an email address",
			`{"name":"Ann","salary":1}`:     "salary is not a known field",
			`{"name":7}`:                    "name must be a string",
		} {
			r := a.do("POST", "/v1/staff", body).must(t, 400)
			if !strings.Contains(r.JSON["detail"].(string), want) {
				t.Errorf("%s: %s", body, r.Body)
			}
		}
		if n := a.eventCount(); n != 0 {
			t.Fatalf("bad input wrote %d events", n)
		}
		m := a.do("POST", "/v1/staff", map[string]any{"name": "Ann", "email": "Ann@Example.com"}).must(t, 201).obj("data")
		if m["role"] != "manager" || m["email"] != "ann@example.com" {
			t.Fatalf("staff = %v", m)
		}
		sid := id(m)
		a.do("POST", "/v1/staff", map[string]any{"name": "Max", "role": "maintenance", "phone": "+1555"}).must(t, 201)
		up := a.do("PATCH", "/v1/staff/"+sid, map[string]any{"role": "admin"}).must(t, 200).obj("data")
		if up["role"] != "admin" || up["name"] != "Ann" {
			t.Fatalf("patched = %v", up)
		}
		a.do("PATCH", "/v1/staff/"+sid, map[string]any{"name": ""}).must(t, 400)
		if ev := a.eventsOf("staff.updated"); len(ev) != 1 || !strings.Contains(string(ev[0].PreviousAttributes), `"role":"manager"`) {
			t.Fatalf("staff.updated = %v", ev)
		}
		if len(a.eventsOf("staff.created")) != 2 {
			t.Fatal("staff.created missing")
		}
		if l := a.do("GET", "/v1/staff?role=admin", nil).must(t, 200); l.obj("meta")["total"] != 1.0 {
			t.Fatalf("list: %s", l.Body)
		}
		a.do("GET", "/v1/staff?role=boss", nil).must(t, 400)
		a.do("GET", "/v1/staff/"+sid, nil).must(t, 200)
		a.doKey(a.otherKey, "GET", "/v1/staff/"+sid, nil, nil).must(t, 404)
		a.doKey(a.otherKey, "PATCH", "/v1/staff/"+sid, map[string]any{"name": "x"}, nil).must(t, 404)
		a.do("GET", "/v1/staff/0", nil).must(t, 404)
	})
}
