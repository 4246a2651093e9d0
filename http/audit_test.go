package http_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"porter"
)

// auditTotal counts the first organization's audit entries.
func (a *api) auditTotal() int {
	a.t.Helper()
	l, err := a.svc.AuditLog(context.Background(), a.org, porter.AuditFilter{})
	if err != nil {
		a.t.Fatal(err)
	}
	return l.Total
}

// keyID is the id of the first organization's key named name.
func (a *api) keyID(name string) int64 {
	a.t.Helper()
	keys, err := a.svc.APIKeys(context.Background(), a.org)
	if err != nil {
		a.t.Fatal(err)
	}
	for _, k := range keys {
		if k.Name == name {
			return k.ID
		}
	}
	a.t.Fatalf("no key %q", name)
	return 0
}

func firstField(r *response) string {
	if errs, _ := r.JSON["errors"].([]any); len(errs) > 0 {
		f, _ := errs[0].(map[string]any)["field"].(string)
		return f
	}
	return ""
}

// Each write through the API leaves exactly one audit entry naming the key,
// the action, the resource, the address, user agent and request id; a
// refused write leaves none.
func TestAuditEveryAPIWrite(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		keyID := a.keyID("test")
		hdr := http.Header{"User-Agent": {"zapier/2.0"}, "X-Request-Id": {"req-42"}}
		var pid, woID, whID string
		steps := []struct {
			action string
			send   func() *response
			status int
			id     *string
		}{
			{"property.create", func() *response { return a.doKey(a.key, "POST", "/v1/properties", map[string]any{"name": "Riad"}, hdr) }, 201, &pid},
			{"property.update", func() *response {
				return a.doKey(a.key, "PATCH", "/v1/properties/"+pid, map[string]any{"name": "Riad Bleu"}, hdr)
			}, 200, nil},
			{"tenant.create", func() *response {
				return a.doKey(a.key, "POST", "/api/action_create_tenant.php", map[string]any{"email": "k@example.com", "first_name": "K", "last_name": "B"}, hdr)
			}, 200, nil},
			{"work_order.create", func() *response {
				return a.doKey(a.key, "POST", "/v1/work_orders", map[string]any{"property_id": atoi(pid), "title": "Leak", "description": "Sink"}, hdr)
			}, 201, &woID},
			{"work_order.assign", func() *response {
				return a.doKey(a.key, "POST", "/v1/work_orders/"+woID+"/assign", map[string]any{"assigned_to": "Omar"}, hdr)
			}, 200, nil},
			{"work_order.start", func() *response { return a.doKey(a.key, "POST", "/v1/work_orders/"+woID+"/start", nil, hdr) }, 200, nil},
			{"organization.update", func() *response {
				return a.doKey(a.key, "PATCH", "/v1/organization", map[string]any{"name": "Acme Rentals"}, hdr)
			}, 200, nil},
			{"webhook.create", func() *response {
				return a.doKey(a.key, "POST", "/v1/webhooks", map[string]any{"url": "http://127.0.0.1:9/in", "events": []string{"property.*"}}, hdr)
			}, 201, &whID},
			{"webhook.rotate_secret", func() *response { return a.doKey(a.key, "POST", "/v1/webhooks/"+whID+"/rotate_secret", nil, hdr) }, 200, nil},
			{"webhook.test", func() *response { return a.doKey(a.key, "POST", "/v1/webhooks/"+whID+"/test", nil, hdr) }, 202, nil},
			{"webhook.delete", func() *response { return a.doKey(a.key, "DELETE", "/v1/webhooks/"+whID, nil, hdr) }, 204, nil},
		}
		for _, st := range steps {
			before := a.auditTotal()
			r := st.send().must(t, st.status)
			if st.id != nil {
				d := r.obj("data")
				if d == nil {
					d = r.obj("tenant")
				}
				*st.id = itoa(int(d["id"].(float64)))
			}
			if n := a.auditTotal() - before; n != 1 {
				t.Fatalf("%s left %d audit entries, want 1", st.action, n)
			}
			e := a.do("GET", "/v1/audit_log?per_page=1", nil).must(t, 200).JSON["data"].([]any)[0].(map[string]any)
			actor := e["actor"].(map[string]any)
			if e["action"] != st.action || actor["type"] != "api_key" || actor["id"] != float64(keyID) || !strings.HasPrefix(actor["label"].(string), "pm_") ||
				e["ip"] != "127.0.0.1" || e["user_agent"] != "zapier/2.0" || e["request_id"] != "req-42" {
				t.Fatalf("%s: entry %v", st.action, e)
			}
			if strings.Contains(string(r.Body), "whsec_") {
				for _, x := range []any{e["before"], e["after"]} {
					if m, _ := x.(map[string]any); m != nil {
						for k, v := range m {
							if s, _ := v.(string); strings.HasPrefix(s, "whsec_") {
								t.Fatalf("%s: %s leaks the secret", st.action, k)
							}
						}
					}
				}
			}
		}

		// Refused writes leave nothing.
		readOnly := a.scopedKey("properties:read")
		before := a.auditTotal()
		a.do("POST", "/v1/properties", map[string]any{"name": ""}).must(t, 400)
		a.do("PATCH", "/v1/properties/999999", map[string]any{"name": "x"}).must(t, 404)
		a.do("POST", "/v1/work_orders/"+woID+"/verify", nil).must(t, 409)
		a.doKey(readOnly, "POST", "/v1/properties", map[string]any{"name": "No"}, nil).must(t, 403)
		if n := a.auditTotal() - before; n != 0 {
			t.Fatalf("refused writes left %d entries", n)
		}
	})
}

// GET /v1/audit_log needs audit:read, filters, names the bad parameter,
// and never shows another organization's entries.
func TestAuditLogEndpoint(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		// The keys' creation is audited too (by the system: no one acts in tests' setup).
		reader, readOnly := a.scopedKey("audit:read"), a.scopedKey("properties:read")
		p := a.do("POST", "/v1/properties", map[string]any{"name": "Riad"}).must(t, 201).obj("data")
		pid := itoa(int(p["id"].(float64)))
		a.do("PATCH", "/v1/properties/"+pid, map[string]any{"name": "Riad Bleu"}).must(t, 200)
		a.do("POST", "/v1/vendors", map[string]any{"name": "Fixit", "trade": "plumbing"}).must(t, 201)

		a.doKey(readOnly, "GET", "/v1/audit_log", nil, nil).must(t, 403)
		a.doKey("", "GET", "/v1/audit_log", nil, nil).must(t, 401)
		all := a.doKey(reader, "GET", "/v1/audit_log", nil, nil).must(t, 200)
		if all.JSON["meta"].(map[string]any)["total"] != float64(6) || all.JSON["links"] == nil {
			t.Fatalf("list: %s", all.Body)
		}
		upd := all.JSON["data"].([]any)[1].(map[string]any)
		if upd["action"] != "property.update" || upd["before"].(map[string]any)["name"] != "Riad" || upd["after"].(map[string]any)["name"] != "Riad Bleu" {
			t.Fatalf("update entry: %v", upd)
		}
		for q, want := range map[string]int{
			"resource_type=property&resource_id=" + pid:                 2,
			"action=vendor.create":                                      1,
			"action=property.*":                                         2,
			"actor_type=api_key&actor_id=" + itoa(int(a.keyID("test"))): 3,
			"actor_type=user":                                           0,
			"actor_type=system":                                         3,
			"action=api_key.create":                                     3,
			"from=2025-05-09T14:30:00Z":                                 6,
			"to=2025-05-09T14:29:59Z":                                   0,
			"per_page=1&page=3":                                         1,
			"updated_since=2030-01-01T00:00:00Z":                        0,
		} {
			r := a.doKey(reader, "GET", "/v1/audit_log?"+q, nil, nil).must(t, 200)
			if n := len(r.JSON["data"].([]any)); n != want {
				t.Errorf("%s: %d entries, want %d", q, n, want)
			}
		}
		for q, field := range map[string]string{
			"actor_type=robot":           "actor_type",
			"actor_id=1":                 "actor_id",
			"resource_id=1":              "resource_id",
			"actor_type=user&actor_id=x": "actor_id",
			"from=yesterday":             "from",
			"from=2025-05-10T00:00:00Z&to=2025-05-09T00:00:00Z": "to",
		} {
			if r := a.doKey(reader, "GET", "/v1/audit_log?"+q, nil, nil).must(t, 400); firstField(r) != field {
				t.Errorf("%s: field %q, want %q: %s", q, firstField(r), field, r.Body)
			}
		}
		// The other organization sees only its own key's creation.
		other := a.doKey(a.otherKey, "GET", "/v1/audit_log", nil, nil).must(t, 200).JSON["data"].([]any)
		if len(other) != 1 || other[0].(map[string]any)["action"] != "api_key.create" {
			t.Fatalf("other organization sees %v", other)
		}
		if r := a.doKey(a.otherKey, "GET", "/v1/audit_log?resource_type=property&resource_id="+pid, nil, nil).must(t, 200); len(r.JSON["data"].([]any)) != 0 {
			t.Fatalf("other organization sees property %s's entries: %s", pid, r.Body)
		}
	})
}

// Critical actions through the API reach webhooks as audit.critical_event.
func TestAuditCriticalEventOverAPI(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		w := a.do("POST", "/v1/webhooks", map[string]any{"url": "http://127.0.0.1:9/siem", "events": []string{"audit.*"}}).must(t, 201).obj("data")
		id := itoa(int(w["id"].(float64)))
		a.do("POST", "/v1/webhooks/"+id+"/rotate_secret", nil).must(t, 200)
		evs := a.eventsOf("audit.critical_event")
		if len(evs) != 1 || !strings.Contains(string(evs[0].Data), `"action":"webhook.rotate_secret"`) || !strings.Contains(string(evs[0].Data), `"reason":`) {
			t.Fatalf("critical events: %v", evs)
		}
		// A key without audit:read cannot subscribe to it.
		a.doKey(a.scopedKey("webhooks:write", "properties:read"), "POST", "/v1/webhooks", map[string]any{"url": "http://127.0.0.1:9/x", "events": []string{"audit.critical_event"}}, nil).must(t, 403)
	})
}
