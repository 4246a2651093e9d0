package http_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// Sync now over HTTP: a scheduled integration polls a loopback endpoint
// through the webhook guard; the answer and the log show each call.
func TestIntegrationSyncOverHTTP(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		icalAPI(t, a)
		var down atomic.Bool
		var calls atomic.Int32
		src := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			calls.Add(1)
			if down.Load() {
				http.Error(w, "maintenance", http.StatusBadGateway)
				return
			}
			if r.Header.Get("X-Api-Key") != "k-1" {
				http.Error(w, "no key", http.StatusUnauthorized)
				return
			}
			fmt.Fprint(w, `{"data": [{"entity": "defect", "id": "D-1", "data": {"summary": "Cracked tile"}}], "next_cursor": null}`)
		}))
		defer src.Close()
		pid := a.do("POST", "/v1/properties", map[string]any{"name": "Tower A"}).must(t, 201).obj("data")["id"].(float64)
		mapping := map[string]any{"entities": map[string]any{"defect": map[string]any{"target": "work_order",
			"fields": map[string]any{"title": "summary"}, "defaults": map[string]any{"property_id": pid}}}}
		// Scheduled needs a poll_url, which the guard checks.
		a.do("POST", "/v1/integrations", map[string]any{"name": "Snags", "type": "handover", "sync_mode": "scheduled",
			"sync_interval_seconds": 300, "mapping": mapping}).must(t, 400)
		created := a.do("POST", "/v1/integrations", map[string]any{"name": "Snags", "type": "handover", "sync_mode": "scheduled",
			"sync_interval_seconds": 300, "poll_url": src.URL + "/snags", "mapping": mapping,
			"credentials": map[string]any{"type": "api_key", "api_key": "k-1", "api_key_header": "X-Api-Key"}}).must(t, 201).obj("data")
		id := int(created["id"].(float64))
		if created["poll_url"] != src.URL+"/snags" {
			t.Fatalf("created = %v", created)
		}
		sync := a.do("POST", fmt.Sprintf("/v1/integrations/%d/sync", id), nil).must(t, 200).obj("data")
		if sync["ok"] != true || sync["complete"] != true || sync["succeeded"].(float64) != 1 || sync["http_status"].(float64) != 200 ||
			sync["integration"].(map[string]any)["first_sync_completed_at"] == nil {
			t.Fatalf("sync = %v", sync)
		}
		if a.workOrderCount() != 1 {
			t.Fatal("the polled defect did not become a work order")
		}
		// With an Idempotency-Key, the same sync again is the first one's
		// answer, replayed: the source is not polled twice.
		key := http.Header{"Idempotency-Key": {"sync-once"}}
		first := a.doKey(a.key, "POST", fmt.Sprintf("/v1/integrations/%d/sync", id), nil, key).must(t, 200)
		polled := calls.Load()
		again := a.doKey(a.key, "POST", fmt.Sprintf("/v1/integrations/%d/sync", id), nil, key).must(t, 200)
		if again.Header.Get("Idempotent-Replayed") != "true" || string(again.Body) != string(first.Body) || calls.Load() != polled {
			t.Fatalf("sync again with its key: replayed %q, %d polls after %d, %s", again.Header.Get("Idempotent-Replayed"), calls.Load(), polled, again.Body)
		}
		down.Store(true)
		failed := a.do("POST", fmt.Sprintf("/v1/integrations/%d/sync", id), nil).must(t, 200).obj("data")
		if failed["ok"] != false || failed["error"] != "the endpoint answered HTTP 502" || failed["integration"].(map[string]any)["status"] != "error" {
			t.Fatalf("failed sync = %v", failed)
		}
		log := a.do("GET", fmt.Sprintf("/v1/integrations/%d/log?entity=_poll", id), nil).must(t, 200)
		rows := log.JSON["data"].([]any)
		last := rows[0].(map[string]any)
		if len(rows) != 3 || last["status"] != "error" || last["http_status"].(float64) != 502 || last["duration_ms"] == nil ||
			!strings.Contains(last["raw"].(string), "maintenance") {
			t.Fatalf("poll rows = %s", log.Body)
		}
		// Refusals: a realtime integration, a read-only key, another
		// organization.
		rt := a.do("POST", "/v1/integrations", map[string]any{"name": "Push", "type": "custom"}).must(t, 201).obj("data")
		r := a.do("POST", fmt.Sprintf("/v1/integrations/%d/sync", int(rt["id"].(float64))), nil).must(t, 409)
		if !strings.Contains(string(r.Body), "poll_url") {
			t.Fatalf("409 = %s", r.Body)
		}
		a.doKey(a.scopedKey("integrations:read"), "POST", fmt.Sprintf("/v1/integrations/%d/sync", id), nil, nil).must(t, 403)
		a.doKey(a.otherKey, "POST", fmt.Sprintf("/v1/integrations/%d/sync", id), nil, nil).must(t, 404)
		a.do("PATCH", fmt.Sprintf("/v1/integrations/%d", id), map[string]any{"poll_url": "gopher://127.0.0.1/x"}).must(t, 400)
	})
}
