package http_test

import (
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"

	porterhttp "porter/http"
)

// Every POST stores its Idempotency-Key response in its write's own
// transaction, not in one after it (where a crash between the two let a
// retry after the stale-claim window write twice). The walk sends, with a
// key, every POST that fixtures makes and then every other POST route of
// the table with the ids fixtures made and a valid body; each answered
// 2xx must have stored its response with its write.
func TestIdempotencyKeyEveryPOSTStoresWithItsWrite(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		var mu sync.Mutex
		stored := map[string]bool{} // route -> in its write's transaction
		h := porterhttp.NewServer(a.svc, porterhttp.Config{DefaultRateLimit: 10000, UploadDir: t.TempDir(), MaxUploadBytes: 1 << 20}, nil)
		porterhttp.OnIdempotencyStored(h, func(method, route string, inWrite bool) {
			mu.Lock()
			defer mu.Unlock()
			if was, ok := stored[method+" "+route]; !ok || was {
				stored[method+" "+route] = inWrite
			}
		})
		srv := httptest.NewServer(validated(t, h))
		t.Cleanup(srv.Close)
		a.srv = srv
		a.svc.BaseURL = srv.URL

		a.keyed = 1
		ids := fixtures(t, a)
		tid, pid := atoi(ids["/v1/tenants/"]), atoi(ids["/v1/properties/"])
		var subscription int
		bodies := map[string]func() any{
			"/api/action_create_tenant.php": func() any {
				return map[string]any{"email": "seed@example.com", "first_name": "S", "last_name": "T"}
			},
			"/api/action_record_payment.php": func() any { return map[string]any{"tenant_id": tid, "amount": 5} },
			"/api/action_create_charge.php": func() any {
				return map[string]any{"tenant_id": tid, "amount": 10, "description": "Fee", "due_date": "2025-06-01"}
			},
			"/api/action_create_work_order.php": func() any {
				return map[string]any{"title": "Leak", "description": "Drips", "property_id": pid}
			},
			"/api/action_send_message.php": func() any { return map[string]any{"subject": "Hi", "body": "Hello"} },
			"/api/subscribe.php": func() any {
				return map[string]any{"event": "tenant.created", "target_url": "https://hooks.example.com/seed"}
			},
			"/api/unsubscribe.php":                 func() any { return map[string]any{"id": subscription} },
			"/v1/inspections/{id}/items":           func() any { return map[string]any{"label": "Door"} },
			"/v1/work_orders/{id}/assign":          func() any { return map[string]any{"assigned_to": "Sam"} },
			"/v1/leases/{id}/renew":                func() any { return map[string]any{"end_date": "2026-12-31"} },
			"/v1/bookings/{id}/payments":           func() any { return map[string]any{"amount": 50} },
			"/v1/events/trigger":                   func() any { return map[string]any{"event": "property.created"} },
			"/v1/webhooks/{id}/recover":            func() any { return map[string]any{"since": "2025-05-09T00:00:00Z"} },
			"/v1/cleaning_tasks/{id}/assign":       func() any { return map[string]any{"staff_id": atoi(ids["/v1/staff/"])} },
			"/v1/cleaning_tasks/{id}/skip":         func() any { return map[string]any{"reason": "Guest stayed"} },
			"/v1/assets/{id}/transfer":             func() any { return map[string]any{"property_id": pid} },
			"/v1/assets/{id}/dispose":              func() any { return map[string]any{"reason": "Broken"} },
			"/v1/meters/{id}/readings":             func() any { return map[string]any{"value": 12.5} },
			"/v1/defects/{id}/reject":              func() any { return map[string]any{"resolution": "Not a defect"} },
			"/v1/broadcasts/{id}/acknowledgements": func() any { return map[string]any{"tenant_id": tid} },
		}

		var skipped []string
		for _, rt := range porterhttp.Routes(h) {
			route := rt.Method + " " + rt.Path
			mu.Lock()
			_, done := stored[route]
			mu.Unlock()
			if rt.Method != "POST" || rt.Page || done {
				continue
			}
			path := pathParam.ReplaceAllStringFunc(rt.Path, func(p string) string {
				if v, ok := ids[p]; ok {
					return v
				}
				best, id := "", ""
				for prefix, v := range ids {
					if strings.HasPrefix(rt.Path, prefix) && len(prefix) > len(best) {
						best, id = prefix, v
					}
				}
				return id
			})
			var body any = map[string]any{}
			if b := bodies[rt.Path]; b != nil {
				body = b()
			}
			r := a.do("POST", path, body)
			if r.Status >= 300 {
				skipped = append(skipped, route+" ("+itoa(r.Status)+")")
				continue
			}
			if rt.Path == "/api/subscribe.php" {
				subscription = int(r.obj("subscription")["id"].(float64))
			}
		}
		// The same writes again answer 200 with what is already there: that
		// response too is stored with its transaction, with the 200.
		meter, broadcast := ids["/v1/meters/"], ids["/v1/broadcasts/"]
		for _, c := range []struct {
			path   string
			body   any
			status []int
		}{
			{"/v1/reviews", map[string]any{"source": "airbnb", "external_id": "R-1", "rating": 4}, []int{201, 200}},
			{"/v1/defects", map[string]any{"property_id": pid, "title": "Crack", "source": "snag", "external_ref": "S-1"}, []int{201, 200}},
			{"/v1/meters/" + meter + "/readings", map[string]any{"value": 3, "source_id": "r-1"}, []int{201, 200}},
			{"/v1/broadcasts/" + broadcast + "/acknowledgements", map[string]any{"tenant_id": tid}, []int{200}},
			{"/v1/owners/" + ids["/v1/owners/"] + "/statements", map[string]any{"month": "2025-04"}, []int{200}},
			{"/v1/tax_reports", map[string]any{"month": "2025-04"}, []int{200}}, // every property, one transaction
		} {
			for i, want := range c.status {
				h := http.Header{"Idempotency-Key": {"again-" + itoa(i) + c.path}}
				r := a.doKey(a.key, "POST", c.path, c.body, h)
				if r.Status != want {
					t.Errorf("POST %s: %d %s, want %d", c.path, r.Status, r.Body, want)
				}
				// Replayed with the status and bytes it was first sent with.
				if re := a.doKey(a.key, "POST", c.path, c.body, h); re.Status != r.Status || string(re.Body) != string(r.Body) || re.Header.Get("Idempotent-Replayed") != "true" {
					t.Errorf("POST %s again with its key: %d %s, want %d %s replayed", c.path, re.Status, re.Body, r.Status, r.Body)
				}
			}
		}
		for _, want := range []string{"/v1/documents", "/v1/owners/{id}/statements", "/v1/tax_reports", "/v1/reviews", "/api/unsubscribe.php",
			"/v1/properties", "/v1/tenants", "/v1/work_orders", "/v1/webhooks", "/api/action_create_tenant.php"} {
			if _, ok := stored["POST "+want]; !ok {
				t.Errorf("POST %s was not exercised with a key", want)
			}
		}
		var routes []string
		for route := range stored {
			routes = append(routes, route)
		}
		sort.Strings(routes)
		for _, route := range routes {
			if !stored[route] && !storedAfter[route] {
				t.Errorf("%s stored its Idempotency-Key response after its write, not in it", route)
			}
		}
		// The walk reaches all but the actions a state it does not set up
		// refuses (409); fewer means a route lost its fixture or body.
		if len(stored) < 80 {
			t.Errorf("only %d POST routes exercised with a key; not exercised: %s", len(stored), strings.Join(skipped, ", "))
		}
		t.Logf("%d POST routes exercised with a key; not exercised: %s", len(stored), strings.Join(skipped, ", "))
	})
}

// storedAfter are the POSTs whose response no transaction of theirs holds,
// stored after them: an integration's test call writes nothing (it calls
// out); Retry Failed replays each row in a transaction of its own (run
// again, it retries only what still fails); Sync now applies each page it
// polls in a transaction of its own (run again, what it fetches again
// applies idempotently by source id).
var storedAfter = map[string]bool{
	"POST /v1/integrations/{id}/test":         true,
	"POST /v1/integrations/{id}/retry_failed": true,
	"POST /v1/integrations/{id}/sync":         true,
}
