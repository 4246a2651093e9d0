package http_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
)

// hook posts body to an integration's receiver URL, signed the Standard
// Webhooks way with secret at the api's clock (secret "" sends no
// signature; skew moves the timestamp).
func (a *api) hook(receiverURL, secret, contentType, body string, skew int64) *response {
	a.t.Helper()
	path := strings.TrimPrefix(receiverURL, a.srv.URL)
	h := http.Header{}
	h.Set("Content-Type", contentType)
	if secret != "" {
		stamp := strconv.FormatInt(a.now.Unix()+skew, 10)
		key, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
		m := hmac.New(sha256.New, key)
		m.Write([]byte("msg_1." + stamp + "." + body))
		h.Set("webhook-id", "msg_1")
		h.Set("webhook-timestamp", stamp)
		h.Set("webhook-signature", "v1,"+base64.StdEncoding.EncodeToString(m.Sum(nil)))
	}
	return a.doKey("", "POST", path, body, h)
}

func (a *api) workOrderCount() int {
	a.t.Helper()
	return int(a.do("GET", "/v1/work_orders", nil).must(a.t, 200).obj("meta")["total"].(float64))
}

// Seed 002's story over HTTP: create a handover integration, send a batch
// with an unmapped building (error rows naming it), fix the mapping with
// PATCH, Retry Failed: the work orders exist once.
func TestIntegrationHandoverOverHTTP(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		pid := a.do("POST", "/v1/properties", map[string]any{"name": "Tower A"}).must(t, 201).obj("data")["id"].(float64)
		mapping := map[string]any{"entities": map[string]any{
			"defect": map[string]any{"target": "work_order", "fields": map[string]any{"title": "summary", "building": "building_code", "category": "trade"},
				"defaults": map[string]any{"priority": "high", "assigned_to": "Facilities team"}},
		}, "value_maps": map[string]any{"category": map[string]any{"Construction HVAC unit": "HVAC Equipment"}}}
		created := a.do("POST", "/v1/integrations", map[string]any{"name": "Arkan Handover", "type": "handover", "mapping": mapping}).must(t, 201).obj("data")
		secret, receiver := created["secret"].(string), created["receiver_url"].(string)
		id := int(created["id"].(float64))
		if !strings.HasPrefix(secret, "whsec_") || !strings.HasPrefix(receiver, a.srv.URL+"/hooks/") {
			t.Fatalf("created = %v", created)
		}
		// The secret and the URL are never shown again.
		got := a.do("GET", fmt.Sprintf("/v1/integrations/%d", id), nil).must(t, 200)
		list := a.do("GET", "/v1/integrations", nil).must(t, 200)
		for _, b := range [][]byte{got.Body, list.Body} {
			if strings.Contains(string(b), secret) || strings.Contains(string(b), receiver) {
				t.Fatalf("a read shows the secret or the receiver URL: %s", b)
			}
		}

		batch := `[{"entity": "defect", "id": "SRC-1", "data": {"summary": "Noisy AHU", "building_code": "B-7", "trade": "Construction HVAC unit"}},
			{"entity": "defect", "id": "SRC-2", "data": {"summary": "Cracked tile", "building_code": "B-7"}}]`
		rc := a.hook(receiver, secret, "application/json", batch, 0).must(t, 200).obj("data")
		res := rc["results"].([]any)
		if rc["failed"].(float64) != 2 || res[0].(map[string]any)["error"] != "building 'B-7' has no mapping (add it to value_maps.building)" {
			t.Fatalf("receipt = %v", rc)
		}
		it := a.do("GET", fmt.Sprintf("/v1/integrations/%d", id), nil).must(t, 200).obj("data")
		if it["status"] != "error" || it["open_errors"].(float64) != 2 {
			t.Fatalf("integration = %v", it)
		}
		log := a.do("GET", fmt.Sprintf("/v1/integrations/%d/log?status=error", id), nil).must(t, 200)
		if log.obj("meta")["total"].(float64) != 2 || a.workOrderCount() != 0 {
			t.Fatalf("log = %s", log.Body)
		}
		// Fix the mapping, Retry Failed.
		mapping["value_maps"].(map[string]any)["building"] = map[string]any{"B-7": pid}
		a.do("PATCH", fmt.Sprintf("/v1/integrations/%d", id), map[string]any{"mapping": mapping}).must(t, 200)
		retry := a.do("POST", fmt.Sprintf("/v1/integrations/%d/retry_failed", id), nil).must(t, 200).obj("data")
		if retry["succeeded"].(float64) != 2 || retry["integration"].(map[string]any)["status"] != "enabled" {
			t.Fatalf("retry = %v", retry)
		}
		// The same batch again, as NDJSON: the same two work orders, updated.
		nd := strings.ReplaceAll(strings.Trim(batch, "[]"), "},\n\t\t\t{", "}\n{")
		again := a.hook(receiver, secret, "application/x-ndjson", nd, 0).must(t, 200).obj("data")
		if again["succeeded"].(float64) != 2 || a.workOrderCount() != 2 {
			t.Fatalf("again = %v, %d work orders", again, a.workOrderCount())
		}
		target := again["results"].([]any)[0].(map[string]any)["target"].(map[string]any)
		wo := a.do("GET", fmt.Sprintf("/v1/work_orders/%v", target["id"]), nil).must(t, 200).obj("data")
		if wo["category"] != "HVAC Equipment" || wo["priority"] != "high" || wo["assigned_to"] != "Facilities team" || wo["status"] != "assigned" {
			t.Fatalf("work order = %v", wo)
		}
		a.do("GET", fmt.Sprintf("/v1/integrations/%d/log?source_id=SRC-1&entity=defect&from=2025-05-01T00:00:00Z", id), nil).must(t, 200)
	})
}

// Wrong or missing signatures and stale timestamps are 401 and rejected
// rows; nothing else is written. Limits answer 413 and 422; another
// organization's integration is 404; bad mappings are 422 naming the path.
func TestIntegrationReceiverRefusals(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		created := a.do("POST", "/v1/integrations", map[string]any{"name": "BMS", "type": "custom",
			"mapping": map[string]any{"entities": map[string]any{"fault": map[string]any{"target": "work_order"}}}}).must(t, 201).obj("data")
		secret, receiver, id := created["secret"].(string), created["receiver_url"].(string), int(created["id"].(float64))
		body := `{"entity": "fault", "id": "F-1", "data": {"title": "Leak"}}`
		events := a.eventCount()
		a.hook(receiver, "whsec_"+base64.StdEncoding.EncodeToString(make([]byte, 32)), "application/json", body, 0).must(t, 401)
		a.hook(receiver, "", "application/json", body, 0).must(t, 401)
		a.hook(receiver, secret, "application/json", body, -301).must(t, 401)
		if a.eventCount() != events || a.workOrderCount() != 0 {
			t.Fatal("a refused call wrote something")
		}
		it := a.do("GET", fmt.Sprintf("/v1/integrations/%d", id), nil).must(t, 200).obj("data")
		rejected := a.do("GET", fmt.Sprintf("/v1/integrations/%d/log?status=rejected", id), nil).must(t, 200)
		if it["rejected_count"].(float64) != 3 || rejected.obj("meta")["total"].(float64) != 3 {
			t.Fatalf("integration = %v, rejected rows %s", it, rejected.Body)
		}
		a.hook(a.srv.URL+"/hooks/unknown", secret, "application/json", body, 0).must(t, 404)
		a.hook(receiver, secret, "text/plain", body, 0).must(t, 415)
		a.hook(receiver, secret, "application/json", "[]", 0).must(t, 400)
		big := `{"entity": "fault", "id": "F-1", "data": {"title": "` + strings.Repeat("x", 5<<20) + `"}}`
		a.hook(receiver, secret, "application/json", big, 0).must(t, 413)
		many := "[" + strings.TrimSuffix(strings.Repeat(body+",", 1001), ",") + "]"
		a.hook(receiver, secret, "application/json", many, 0).must(t, 422)
		// Disabled: 409, logged as rejected.
		a.do("PATCH", fmt.Sprintf("/v1/integrations/%d", id), map[string]any{"enabled": false}).must(t, 200)
		a.hook(receiver, secret, "application/json", body, 0).must(t, 409)
		a.do("PATCH", fmt.Sprintf("/v1/integrations/%d", id), map[string]any{"enabled": true}).must(t, 200)
		a.hook(receiver, secret, "application/json", body, 0).must(t, 200)

		// Another organization's integration is not found.
		a.doKey(a.otherKey, "GET", fmt.Sprintf("/v1/integrations/%d/log", id), nil, nil).must(t, 404)
		a.doKey(a.otherKey, "POST", fmt.Sprintf("/v1/integrations/%d/retry_failed", id), nil, nil).must(t, 404)
		// A mapping naming a target Porter cannot write, or an unknown field.
		r := a.do("PATCH", fmt.Sprintf("/v1/integrations/%d", id), map[string]any{"mapping": map[string]any{"entities": map[string]any{
			"cert": map[string]any{"target": "invoice"}, "fault": map[string]any{"target": "work_order", "fields": map[string]any{"colour": "c"}}}}}).must(t, 422)
		errs := fmt.Sprint(r.JSON["errors"])
		if !strings.Contains(errs, "mapping.entities.cert.target") || !strings.Contains(errs, "is not a Porter record an integration can write") ||
			!strings.Contains(errs, "mapping.entities.fault.fields.colour") {
			t.Fatalf("422 = %s", r.Body)
		}
		// A typo in the mapping is named, not ignored.
		typo := a.do("PATCH", fmt.Sprintf("/v1/integrations/%d", id), map[string]any{"mapping": map[string]any{"entities": map[string]any{
			"fault": map[string]any{"target": "work_order", "auto_creat": false}}}}).must(t, 400)
		if !strings.Contains(string(typo.Body), "auto_creat") {
			t.Fatalf("typo = %s", typo.Body)
		}
		// Outbound types need an endpoint, which the guard checks; scopes.
		a.do("POST", "/v1/integrations", map[string]any{"name": "ERP", "type": "erp"}).must(t, 400)
		a.doKey(a.scopedKey("integrations:read"), "POST", "/v1/integrations", map[string]any{"name": "X", "type": "custom"}, nil).must(t, 403)
		rot := a.do("POST", fmt.Sprintf("/v1/integrations/%d/rotate_secret", id), map[string]any{"receiver_url": true}).must(t, 200).obj("data")
		a.hook(receiver, rot["secret"].(string), "application/json", body, 0).must(t, 404)
		a.hook(rot["receiver_url"].(string), secret, "application/json", body, 0).must(t, 401)
		a.hook(rot["receiver_url"].(string), rot["secret"].(string), "application/json", body, 0).must(t, 200)
		test := a.do("POST", fmt.Sprintf("/v1/integrations/%d/test", id), nil).must(t, 200).obj("data")
		if test["ok"] != true || test["kind"] != "mapping" {
			t.Fatalf("test = %v", test)
		}
	})
}

// An outbound integration's test posts a signed call to its endpoint
// through the guard: here a loopback receiver.
func TestIntegrationOutboundTest(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		icalAPI(t, a)
		got := make(chan http.Header, 1)
		recv := newLoopback(t, func(w http.ResponseWriter, r *http.Request) {
			got <- r.Header.Clone()
			w.WriteHeader(204)
		})
		created := a.do("POST", "/v1/integrations", map[string]any{"name": "ERP", "type": "erp", "endpoint_url": recv,
			"credentials": map[string]any{"type": "api_key", "api_key": "sk_live_123"}}).must(t, 201).obj("data")
		if created["credential_type"] != "api_key" || strings.Contains(fmt.Sprint(created), "sk_live_123") {
			t.Fatalf("created = %v", created)
		}
		test := a.do("POST", fmt.Sprintf("/v1/integrations/%v/test", created["id"]), nil).must(t, 200).obj("data")
		h := <-got
		if test["ok"] != true || test["status_code"].(float64) != 204 || !strings.HasPrefix(h.Get("webhook-signature"), "v1,") {
			t.Fatalf("test = %v, headers %v", test, h)
		}
	})
}

// newLoopback is a receiver on 127.0.0.1 (httptest listens on loopback).
func newLoopback(t *testing.T, h http.HandlerFunc) string {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL + "/erp"
}
