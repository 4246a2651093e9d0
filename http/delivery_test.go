package http_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"porter"
	"porter/delivery"
	"porter/webhook"
)

// receiver is a real loopback endpoint whose answer the test sets.
type receiver struct {
	srv    *httptest.Server
	status atomic.Int32
	got    chan received
}

type received struct {
	header http.Header
	body   map[string]any
}

func newReceiver(t *testing.T) *receiver {
	rc := &receiver{got: make(chan received, 64)}
	rc.status.Store(200)
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var m map[string]any
		_ = json.Unmarshal(b, &m)
		rc.got <- received{r.Header.Clone(), m}
		w.Header().Set("X-Receiver", "loopback")
		w.WriteHeader(int(rc.status.Load()))
		io.WriteString(w, "answer "+itoa(int(rc.status.Load())))
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *receiver) next(t *testing.T) received {
	t.Helper()
	select {
	case r := <-rc.got:
		return r
	case <-time.After(10 * time.Second):
		t.Fatal("no request arrived")
		return received{}
	}
}

// deliver runs a real delivery engine on the API's store until the test ends.
func (a *api) deliver() {
	q := porter.NewWebhookQueue(a.svc, "node-http-test", webhook.NewAttemptID)
	q.Jitter = nil
	eng := delivery.New(q, a.store, delivery.Config{SweepInterval: 20 * time.Millisecond, LeaseMargin: 5 * time.Second, Now: a.svc.Now})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- eng.Run(ctx) }()
	a.t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			a.t.Error(err)
		}
	})
}

func items(r *response) []map[string]any {
	var out []map[string]any
	for _, v := range r.JSON["data"].([]any) {
		out = append(out, v.(map[string]any))
	}
	return out
}

// The delivery log, replay, recover and test, over HTTP, with a real engine
// sending to a real loopback receiver. The API's clock stands still, so a
// failed attempt's retry (5 minutes on) never comes due by itself.
func TestDeliveryLogReplayRecoverTest(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		rc := newReceiver(t)
		a.deliver()
		rc.status.Store(500)
		h := a.do("POST", "/v1/webhooks", map[string]any{"url": rc.srv.URL + "/hook", "events": []string{"property.*"}, "retry_schedule": []int{300}}).must(t, 201).obj("data")
		hook := "/v1/webhooks/" + itoa(int(idOf(h)))
		a.do("POST", "/v1/properties", map[string]any{"name": "Elm Court"}).must(t, 201)
		first := rc.next(t)
		eventID := first.header.Get("Webhook-Id")
		if first.header.Get("X-PM-Event") != "property.created" || eventID == "" || first.body["id"] != eventID {
			t.Fatalf("first attempt: %v %v", first.header, first.body)
		}

		// The log: the attempt is recorded before the list can show it, so wait for it.
		var d map[string]any
		for deadline := time.Now().Add(10 * time.Second); ; {
			l := items(a.do("GET", hook+"/deliveries", nil).must(t, 200))
			if len(l) == 1 && l[0]["response_status"] != nil {
				d = l[0]
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("deliveries: %v", l)
			}
			time.Sleep(10 * time.Millisecond)
		}
		if d["status"] != "pending" || d["response_status"] != 500.0 || d["event"] != "property.created" || d["event_id"] != eventID || d["test"] != false || d["next_attempt_at"] == nil {
			t.Fatalf("pending delivery: %v", d)
		}
		for q, n := range map[string]int{"?status=pending": 1, "?status=failed": 0, "?event=property.created": 1, "?event=property.updated": 0, "?per_page=1&page=2": 0} {
			if got := len(items(a.do("GET", hook+"/deliveries"+q, nil).must(t, 200))); got != n {
				t.Errorf("%s: %d deliveries, want %d", q, got, n)
			}
		}
		if r := a.do("GET", hook+"/deliveries?per_page=1&page=2", nil).must(t, 200); r.obj("meta")["total"] != 1.0 {
			t.Errorf("total past the last page: %s", r.Body)
		}
		for _, q := range []string{"?status=lost", "?event=nope", "?page=0"} {
			r := a.do("GET", hook+"/deliveries"+q, nil).must(t, 400)
			if !strings.Contains(string(r.Body), strings.Split(strings.TrimPrefix(q, "?"), "=")[0]) {
				t.Errorf("%s: the error does not name the parameter: %s", q, r.Body)
			}
		}
		path := "/v1/deliveries/" + itoa(int(idOf(d)))
		one := a.do("GET", path, nil).must(t, 200).obj("data")
		att := one["attempts"].([]any)
		if len(att) != 1 {
			t.Fatalf("attempts: %v", one)
		}
		at := att[0].(map[string]any)
		req, res := at["request_headers"].(map[string]any), at["response_headers"].(map[string]any)
		if at["number"] != 1.0 || at["response_status"] != 500.0 || at["response_body"] != "answer 500" || at["url"] != rc.srv.URL+"/hook" ||
			req["X-Pm-Event"] != "property.created" || res["X-Receiver"] != "loopback" || at["id"] != first.header.Get("X-PM-Delivery") {
			t.Fatalf("attempt: %v", at)
		}
		if all := items(a.do("GET", "/v1/deliveries?webhook_id="+itoa(int(idOf(h))), nil).must(t, 200)); len(all) != 1 {
			t.Fatalf("org deliveries: %v", all)
		}
		a.do("GET", "/v1/deliveries?webhook_id=x", nil).must(t, 400)

		// Replay: sent now, same event id, a new attempt id.
		rc.status.Store(200)
		if r := a.do("POST", path+"/replay", nil).must(t, 202).obj("data"); r["status"] != "pending" {
			t.Fatalf("replay: %v", r)
		}
		again := rc.next(t)
		if again.header.Get("Webhook-Id") != eventID || again.header.Get("X-PM-Delivery") == first.header.Get("X-PM-Delivery") {
			t.Fatalf("replay headers: %v", again.header)
		}
		waitStatus(t, a, path, "succeeded")
		if n := len(a.do("GET", path, nil).must(t, 200).obj("data")["attempts"].([]any)); n != 2 {
			t.Fatalf("%d attempts after replay", n)
		}

		// Recover: a webhook with no retries fails at once; recover sends it again.
		rc.status.Store(503)
		h2 := a.do("POST", "/v1/webhooks", map[string]any{"url": rc.srv.URL + "/two", "events": []string{"tenant.created"}, "retry_schedule": []int{}}).must(t, 201).obj("data")
		hook2 := "/v1/webhooks/" + itoa(int(idOf(h2)))
		a.do("POST", "/v1/tenants", map[string]any{"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com"}).must(t, 201)
		rc.next(t)
		var failed map[string]any
		for deadline := time.Now().Add(10 * time.Second); failed == nil; time.Sleep(10 * time.Millisecond) {
			if l := items(a.do("GET", hook2+"/deliveries?status=failed", nil).must(t, 200)); len(l) == 1 {
				failed = l[0]
			} else if time.Now().After(deadline) {
				t.Fatal("the delivery did not fail")
			}
		}
		for body, want := range map[string]string{`{}`: "since", `{"since": "yesterday"}`: "since", `{"since": "2099-01-01T00:00:00Z"}`: "future"} {
			if r := a.do("POST", hook2+"/recover", body).must(t, 400); !strings.Contains(string(r.Body), want) {
				t.Errorf("recover %s: %s", body, r.Body)
			}
		}
		rc.status.Store(200)
		rec := a.do("POST", hook2+"/recover", map[string]any{"since": a.now.Add(-time.Hour).Format(time.RFC3339)}).must(t, 202).obj("data")
		if rec["requeued"] != 1.0 || rec["webhook_id"] != float64(idOf(h2)) {
			t.Fatalf("recover: %v", rec)
		}
		if got := rc.next(t); got.header.Get("X-PM-Event") != "tenant.created" {
			t.Fatalf("recovered: %v", got.header)
		}
		waitStatus(t, a, "/v1/deliveries/"+itoa(int(idOf(failed))), "succeeded")

		// Test: a sample of one of the webhook's events, marked.
		a.do("POST", hook+"/test", map[string]any{"event": "tenant.created"}).must(t, 400)
		a.do("POST", hook+"/test", map[string]any{"event": "nope"}).must(t, 400)
		td := a.do("POST", hook+"/test", map[string]any{"event": "property.updated"}).must(t, 202).obj("data")
		if td["test"] != true || td["event"] != "property.updated" {
			t.Fatalf("test delivery: %v", td)
		}
		sample := rc.next(t)
		if sample.header.Get("X-PM-Test") != "1" || sample.body["test"] != true || sample.body["event"] != "property.updated" {
			t.Fatalf("test request: %v %v", sample.header, sample.body)
		}
		if td := a.do("POST", hook+"/test", nil).must(t, 202).obj("data"); td["event"] != "property.created" {
			t.Fatalf("default test event: %v", td)
		}
		rc.next(t)

		// A disabled webhook is a conflict, not a silent no-op.
		a.do("PATCH", hook, map[string]any{"enabled": false}).must(t, 200)
		for _, p := range []string{path + "/replay", hook + "/test"} {
			if r := a.do("POST", p, nil).must(t, 409); !strings.Contains(string(r.Body), "disabled") {
				t.Errorf("%s on a disabled webhook: %s", p, r.Body)
			}
		}
		a.do("POST", hook+"/recover", map[string]any{"since": a.now.Add(-time.Hour).Format(time.RFC3339)}).must(t, 409)

		// Scopes: reading the log needs webhooks:read, acting on it webhooks:write.
		read := a.scopedKey("webhooks:read")
		a.doKey(read, "GET", path, nil, nil).must(t, 200)
		a.doKey(read, "POST", path+"/replay", nil, nil).must(t, 403)
		a.doKey(a.scopedKey("properties:read"), "GET", "/v1/deliveries", nil, nil).must(t, 403)

		// Another organization sees none of it.
		for _, c := range []struct{ method, path string }{
			{"GET", path}, {"POST", path + "/replay"}, {"GET", hook + "/deliveries"},
			{"POST", hook + "/test"}, {"POST", hook2 + "/recover"},
		} {
			var body any
			if strings.HasSuffix(c.path, "/recover") {
				body = map[string]any{"since": a.now.Add(-time.Hour).Format(time.RFC3339)}
			}
			a.doKey(a.otherKey, c.method, c.path, body, nil).must(t, 404)
		}
		if l := items(a.doKey(a.otherKey, "GET", "/v1/deliveries", nil, nil).must(t, 200)); len(l) != 0 {
			t.Fatalf("another organization lists %d deliveries", len(l))
		}
	})
}

func waitStatus(t *testing.T, a *api, path, want string) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		d := a.do("GET", path, nil).must(t, 200).obj("data")
		if d["status"] == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s stays %v, want %s", path, d["status"], want)
		}
	}
}
