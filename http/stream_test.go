package http_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"porter"
	porterhttp "porter/http"
	"porter/storetest"
	"porter/stream"
)

// streamAPI is the test API with an event stream hub running.
func streamAPI(t *testing.T, s porter.Store, hub func(*stream.Hub)) *api {
	t.Helper()
	h := stream.NewHub(s.(porter.EventFeed), nil)
	h.Poll = 50 * time.Millisecond
	if hub != nil {
		hub(h)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { h.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return newAPIConfig(t, s, porterhttp.Config{DefaultRateLimit: 1000, UploadDir: t.TempDir(), MaxUploadBytes: 1 << 20,
		Stream: h, StreamHeartbeat: 100 * time.Millisecond})
}

// sseClient is one open stream, its messages read into a channel.
type sseClient struct {
	res  *http.Response
	msgs chan stream.Message
	stop context.CancelFunc
}

func (a *api) openStream(key, query, lastID string) (*sseClient, *http.Response) {
	a.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", a.srv.URL+"/v1/events/stream"+query, nil)
	req.Header.Set("Authorization", "Bearer "+key)
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		cancel()
		a.t.Fatal(err)
	}
	if res.StatusCode != 200 {
		defer res.Body.Close()
		cancel()
		return nil, res
	}
	if len(res.TransferEncoding) > 0 {
		// Unchunked, a batch of events is one write to the socket.
		a.t.Errorf("stream sent with Transfer-Encoding %v", res.TransferEncoding)
	}
	c := &sseClient{res: res, msgs: make(chan stream.Message, 1000), stop: cancel}
	go func() {
		defer close(c.msgs)
		rd := stream.NewReader(res.Body)
		for {
			m, err := rd.Next()
			if err != nil {
				return
			}
			c.msgs <- m
		}
	}()
	a.t.Cleanup(c.close)
	return c, res
}

func (c *sseClient) close() { c.stop(); c.res.Body.Close() }

// next returns the next event, skipping comments and retry fields.
func (c *sseClient) next(t *testing.T) stream.Message {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case m, ok := <-c.msgs:
			if !ok {
				t.Fatal("the stream ended")
			}
			if m.Event != "" {
				return m
			}
		case <-timeout:
			t.Fatal("no event within 10 s")
		}
	}
}

// quiet asserts that no event arrives for a while (comments may).
func (c *sseClient) quiet(t *testing.T, d time.Duration) {
	t.Helper()
	timeout := time.After(d)
	for {
		select {
		case m, ok := <-c.msgs:
			if ok && m.Event != "" {
				t.Fatalf("unexpected event %s %s: %s", m.ID, m.Event, m.Data)
			}
		case <-timeout:
			return
		}
	}
}

func (a *api) createTenant(email string) map[string]any {
	a.t.Helper()
	return a.do("POST", "/v1/tenants", map[string]any{"email": email, "first_name": "A", "last_name": "B"}).must(a.t, 201).obj("data")
}

func TestEventStreamLiveFilteredAndResumed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		a := streamAPI(t, s, nil)
		c, res := a.openStream(a.key, "?types=tenant.*", "")
		if ct := res.Header.Get("Content-Type"); ct != "text/event-stream" {
			t.Fatalf("Content-Type %q", ct)
		}
		a.do("POST", "/v1/properties", map[string]any{"name": "Not a tenant event"}).must(t, 201)
		a.doKey(a.otherKey, "POST", "/v1/tenants", map[string]any{"email": "x@example.com", "first_name": "X", "last_name": "Y"}, nil).must(t, 201)
		ten := a.createTenant("a@example.com")
		m := c.next(t)
		var env map[string]any
		if err := json.Unmarshal(m.Data, &env); err != nil {
			t.Fatal(err)
		}
		if m.Event != "tenant.created" || env["event"] != "tenant.created" || env["id"] != m.ID || !strings.HasPrefix(m.ID, "evt_") {
			t.Fatalf("event %s %s: %s", m.ID, m.Event, m.Data)
		}
		if d := env["data"].(map[string]any); d["id"] != ten["id"] {
			t.Fatalf("data: %v", d)
		}
		// The same bytes a webhook delivery sends.
		seq, _ := porter.ParseEventID(m.ID)
		e, err := a.svc.Event(context.Background(), a.org, seq)
		if err != nil {
			t.Fatal(err)
		}
		if want, _ := json.Marshal(e); string(want) != string(m.Data) {
			t.Fatalf("data %s, the delivery body is %s", m.Data, want)
		}
		c.quiet(t, 300*time.Millisecond) // the property and the other organization's tenant never come
		c.close()

		// Missed while away: sent first, in order, then the live ones.
		id := ten["id"].(float64)
		a.do("PATCH", "/v1/tenants/"+itoa(int(id)), map[string]any{"phone": "+1555"}).must(t, 200)
		a.createTenant("b@example.com")
		c2, _ := a.openStream(a.key, "?types=tenant.created,tenant.updated", m.ID)
		if got := c2.next(t); got.Event != "tenant.updated" {
			t.Fatalf("first resumed: %s", got.Event)
		}
		if got := c2.next(t); got.Event != "tenant.created" || !strings.Contains(string(got.Data), "b@example.com") {
			t.Fatalf("second resumed: %s %s", got.Event, got.Data)
		}
		a.createTenant("c@example.com")
		if got := c2.next(t); !strings.Contains(string(got.Data), "c@example.com") {
			t.Fatalf("live after resume: %s", got.Data)
		}
		c2.quiet(t, 200*time.Millisecond) // each once
		// last_event_id works as the header does.
		c3, _ := a.openStream(a.key, "?types=tenant.created&last_event_id="+m.ID, "")
		if got := c3.next(t); !strings.Contains(string(got.Data), "b@example.com") {
			t.Fatalf("last_event_id: %s", got.Data)
		}
	})
}

func TestEventStreamScopesAndRefusals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		a := streamAPI(t, s, func(h *stream.Hub) { h.MaxPerOrg = 2 })
		key := a.scopedKey("events:read", "tenants:read")
		// A named event outside the key's scopes is 403; unknown ones 400.
		for q, want := range map[string]int{
			"?types=payment.succeeded": 403, "?types=nope.created": 400, "?types=tenant.created,bogus": 400,
		} {
			if _, res := a.openStream(key, q, ""); res.StatusCode != want {
				t.Errorf("%s: %d, want %d", q, res.StatusCode, want)
			}
		}
		if _, res := a.openStream(key, "", "nope"); res.StatusCode != 400 {
			t.Errorf("bad Last-Event-ID: %d", res.StatusCode)
		}
		if _, res := a.openStream(a.scopedKey("tenants:read"), "", ""); res.StatusCode != 403 {
			t.Errorf("without events:read: %d", res.StatusCode)
		}
		// Every event by default, but only those its scopes allow.
		c, _ := a.openStream(key, "", "")
		a.createTenant("a@example.com")
		a.do("POST", "/v1/properties", map[string]any{"name": "P"}).must(t, 201)
		if m := c.next(t); m.Event != "tenant.created" {
			t.Fatalf("got %s", m.Event)
		}
		c.quiet(t, 300*time.Millisecond)
		// An organization's share of streams on a node.
		a.openStream(key, "", "")
		if _, res := a.openStream(key, "", ""); res.StatusCode != 429 {
			t.Errorf("third stream: %d, want 429", res.StatusCode)
		}
		// Heartbeats keep an idle stream alive.
		deadline := time.After(5 * time.Second)
		for {
			select {
			case m := <-c.msgs:
				if m.Comment == "heartbeat" {
					return
				}
			case <-deadline:
				t.Fatal("no heartbeat")
			}
		}
	})
}

func TestTriggerEvent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		a := streamAPI(t, s, nil)
		c, _ := a.openStream(a.key, "?types=payment.succeeded", "")
		e := a.do("POST", "/v1/events/trigger", map[string]any{"event": "payment.received"}).must(t, 201).obj("data")
		if e["event"] != "payment.succeeded" {
			t.Fatalf("alias not resolved: %v", e)
		}
		if m := c.next(t); m.ID != e["id"] {
			t.Fatalf("stream got %s, trigger made %v", m.ID, e["id"])
		}
		a.do("POST", "/v1/events/trigger", map[string]any{"event": "nope"}).must(t, 400)
		a.do("POST", "/v1/events/trigger", map[string]any{}).must(t, 400)
		a.doKey(a.scopedKey("webhooks:write"), "POST", "/v1/events/trigger", map[string]any{"event": "payment.succeeded"}, nil).must(t, 403)
		if n := len(a.do("GET", "/v1/events?type=payment.succeeded", nil).must(t, 200).JSON["data"].([]any)); n != 1 {
			t.Fatalf("%d events after refusals, want 1", n)
		}
	})
}
