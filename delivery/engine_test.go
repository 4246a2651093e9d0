package delivery_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"porter"
	"porter/delivery"
	"porter/storetest"
	"porter/webhook"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

// receiver is a real HTTP server on loopback; answer decides each reply.
type receiver struct {
	*httptest.Server
	mu     sync.Mutex
	got    []*request
	arrive chan *request
	answer func(w http.ResponseWriter, r *request)
}

type request struct {
	Header http.Header
	Body   []byte
	At     time.Time
}

func newReceiver(t *testing.T, answer func(w http.ResponseWriter, r *request)) *receiver {
	rc := &receiver{arrive: make(chan *request, 10000), answer: answer}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		req := &request{Header: r.Header.Clone(), Body: body, At: time.Now()}
		rc.mu.Lock()
		rc.got = append(rc.got, req)
		rc.mu.Unlock()
		rc.arrive <- req
		if rc.answer != nil {
			rc.answer(w, req)
		}
	}))
	t.Cleanup(rc.Close)
	return rc
}

// next waits for the next request.
func (rc *receiver) next(t *testing.T) *request {
	t.Helper()
	select {
	case r := <-rc.arrive:
		return r
	case <-time.After(10 * time.Second):
		t.Fatal("no request arrived")
		return nil
	}
}

func (rc *receiver) count() int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return len(rc.got)
}

type fixture struct {
	t   testing.TB
	ctx context.Context
	svc *porter.Service
	eng *delivery.Engine
	org int64
	// stop ends the engine and waits for it to drain.
	stop func()
	// realJitter keeps the queue's own retry jitter; others run without.
	realJitter bool
}

func start(t testing.TB, s porter.Store, cfg delivery.Config) *fixture {
	t.Helper()
	f := newFixture(t, s)
	f.run(cfg)
	return f
}

// newFixture is an organization with an admin; no engine runs yet.
func newFixture(t testing.TB, s porter.Store) *fixture {
	t.Helper()
	f := &fixture{t: t, ctx: context.Background()}
	f.svc = porter.NewService(s, "http://porter.test", nil)
	f.svc.Secrets, _ = porter.NewSecretBox(bytes.Repeat([]byte{7}, 32))
	f.svc.NewWebhookSecret = webhook.NewSecret
	org, err := f.svc.CreateOrganization(f.ctx, "Org")
	if err != nil {
		t.Fatal(err)
	}
	f.org = org.ID
	if _, err := f.svc.CreateStaff(f.ctx, f.org, porter.StaffInput{Name: ptr("Ada Admin"), Email: ptr("ada@example.com"), Role: ptr("admin")}); err != nil {
		t.Fatal(err)
	}
	return f
}

// run starts an engine on f's store; f.stop stops it.
func (f *fixture) run(cfg delivery.Config) { f.runTuned(cfg, nil) }

// runTuned is run with tune adjusting the engine's queue first.
func (f *fixture) runTuned(cfg delivery.Config, tune func(*porter.WebhookQueue)) {
	t, s := f.t, f.svc.Store
	if cfg.SweepInterval == 0 {
		cfg.SweepInterval = 50 * time.Millisecond
	}
	if cfg.LeaseMargin == 0 {
		cfg.LeaseMargin = 5 * time.Second
	}
	cfg.Now = f.svc.Now
	q := porter.NewWebhookQueue(f.svc, "node-test", webhook.NewAttemptID)
	if !f.realJitter {
		q.Jitter = nil
	}
	if tune != nil {
		tune(q)
	}
	f.eng = delivery.New(q, s, cfg)
	ctx, cancel := context.WithCancel(f.ctx)
	done := make(chan error, 1)
	go func() { done <- f.eng.Run(ctx) }()
	var once sync.Once
	f.stop = func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Error(err)
				}
			case <-time.After(30 * time.Second):
				t.Error("engine did not stop")
			}
		})
	}
	t.Cleanup(f.stop)
}

func ptr[T any](v T) *T { return &v }

func (f *fixture) webhook(in porter.WebhookInput) *porter.WebhookWithSecret {
	f.t.Helper()
	w, err := f.svc.CreateWebhook(f.ctx, f.org, in)
	if err != nil {
		f.t.Fatal(err)
	}
	return w
}

func (f *fixture) property(name string) *porter.Property {
	f.t.Helper()
	p, err := f.svc.CreateProperty(f.ctx, f.org, porter.PropertyInput{Name: &name})
	if err != nil {
		f.t.Fatal(err)
	}
	return p
}

// wait polls the delivery log until cond holds for one of hookID's deliveries.
func (f *fixture) wait(hookID int64, what string, cond func(*porter.Delivery) bool) *porter.Delivery {
	f.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		l, err := f.svc.WebhookDeliveries(f.ctx, f.org, hookID, porter.DeliveryFilter{})
		if err != nil {
			f.t.Fatal(err)
		}
		for _, d := range l.Items {
			if cond(d) {
				full, err := f.svc.Delivery(f.ctx, f.org, d.ID)
				if err != nil {
					f.t.Fatal(err)
				}
				return full
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	f.t.Fatalf("no delivery %s", what)
	return nil
}

func status(s string) func(*porter.Delivery) bool {
	return func(d *porter.Delivery) bool { return d.Status == s && !d.Test }
}

func TestDeliverSigned(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		rc := newReceiver(t, nil)
		f := start(t, s, delivery.Config{})
		secret := "whsec_" + strings.Repeat("A", 43) + "="
		w := f.webhook(porter.WebhookInput{URL: rc.URL + "/hook", Events: []string{"property.created"}, Secret: &secret,
			Headers: map[string]string{"Authorization": "Bearer receiver-token"}})
		p := f.property("Maple Court")
		r := rc.next(t)

		var env map[string]any
		if err := json.Unmarshal(r.Body, &env); err != nil {
			t.Fatal(err)
		}
		if env["event"] != "property.created" || env["data"].(map[string]any)["id"] != float64(p.ID) {
			t.Fatalf("body %s", r.Body)
		}
		mac := hmac.New(sha256.New, []byte(secret))
		mac.Write(r.Body)
		if got := r.Header.Get("X-PM-Signature"); got != "sha256="+hex.EncodeToString(mac.Sum(nil)) {
			t.Fatalf("X-PM-Signature %q", got)
		}
		for k, want := range map[string]string{"Content-Type": "application/json", "X-PM-Event": "property.created",
			"Webhook-Id": env["id"].(string), "Authorization": "Bearer receiver-token"} {
			if got := r.Header.Get(k); got != want {
				t.Errorf("%s = %q, want %q", k, got, want)
			}
		}
		if !strings.HasPrefix(r.Header.Get("X-PM-Delivery"), "att_") || !strings.HasPrefix(r.Header.Get("User-Agent"), "Porter-Webhooks/") ||
			!strings.HasPrefix(r.Header.Get("Webhook-Signature"), "v1,") || r.Header.Get("X-PM-Test") != "" {
			t.Fatalf("headers %v", r.Header)
		}
		d := f.wait(w.ID, "succeeded", status(porter.DeliverySucceeded))
		if d.EventID != env["id"] || len(d.Attempts) != 1 || d.Attempts[0].ID != r.Header.Get("X-PM-Delivery") ||
			*d.Attempts[0].ResponseStatus != 200 || d.Attempts[0].RequestHeaders["X-Pm-Signature"] == "" {
			t.Fatalf("delivery %+v, attempts %+v", d, d.Attempts)
		}
	})
}

func TestRetryThenSucceed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		var mu sync.Mutex
		n := 0
		rc := newReceiver(t, func(w http.ResponseWriter, r *request) {
			mu.Lock()
			n++
			first := n == 1
			mu.Unlock()
			if first {
				http.Error(w, "try later", http.StatusInternalServerError)
			}
		})
		f := start(t, s, delivery.Config{})
		w := f.webhook(porter.WebhookInput{URL: rc.URL, Events: []string{"property.created"}, RetrySchedule: &[]int{0, 0}})
		f.property("A")
		first, second := rc.next(t), rc.next(t)
		if first.Header.Get("Webhook-Id") != second.Header.Get("Webhook-Id") || !bytes.Equal(first.Body, second.Body) {
			t.Fatal("a retry is not the same event")
		}
		if first.Header.Get("X-PM-Delivery") == second.Header.Get("X-PM-Delivery") {
			t.Fatal("X-PM-Delivery repeated across attempts")
		}
		d := f.wait(w.ID, "succeeded", status(porter.DeliverySucceeded))
		if d.AttemptCount != 2 || len(d.Attempts) != 2 || d.Attempts[0].Error != "HTTP 500" || d.Attempts[0].ResponseBody != "try later\n" {
			t.Fatalf("delivery %+v attempts %+v", d, d.Attempts[0])
		}
	})
}

func TestFailsAfterSchedule(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		rc := newReceiver(t, func(w http.ResponseWriter, r *request) { w.WriteHeader(http.StatusFound) })
		f := start(t, s, delivery.Config{})
		w := f.webhook(porter.WebhookInput{URL: rc.URL, Events: []string{"property.created"}, RetrySchedule: &[]int{0}})
		f.property("A")
		d := f.wait(w.ID, "failed", status(porter.DeliveryFailed))
		if d.AttemptCount != 2 || !strings.Contains(d.Attempts[1].Error, "redirects are not followed") {
			t.Fatalf("delivery %+v %+v", d, d.Attempts)
		}
		evs, _ := f.svc.Events(f.ctx, f.org, porter.EventFilter{Types: []string{"webhook.delivery_failed"}})
		if evs.Total != 1 {
			t.Fatalf("%d webhook.delivery_failed events", evs.Total)
		}
	})
}

func TestGoneDisables(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		rc := newReceiver(t, func(w http.ResponseWriter, r *request) { w.WriteHeader(http.StatusGone) })
		f := start(t, s, delivery.Config{})
		w := f.webhook(porter.WebhookInput{URL: rc.URL, Events: []string{"property.created"}})
		f.property("A")
		f.wait(w.ID, "failed", status(porter.DeliveryFailed))
		hook, _ := f.svc.Webhook(f.ctx, f.org, w.ID)
		if hook.Enabled {
			t.Fatal("410 did not disable the webhook")
		}
		f.property("B")
		time.Sleep(200 * time.Millisecond)
		if n := rc.count(); n != 1 {
			t.Fatalf("%d requests after 410", n)
		}
	})
}

func TestRetryAfter(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		rc := newReceiver(t, func(w http.ResponseWriter, r *request) {
			w.Header().Set("Retry-After", "120")
			w.WriteHeader(http.StatusTooManyRequests)
		})
		f := start(t, s, delivery.Config{})
		w := f.webhook(porter.WebhookInput{URL: rc.URL, Events: []string{"property.created"}, RetrySchedule: &[]int{0, 0}})
		f.property("A")
		d := f.wait(w.ID, "retrying", func(d *porter.Delivery) bool { return d.AttemptCount == 1 && d.ResponseStatus != nil })
		if d.Status != porter.DeliveryPending || d.NextAttemptAt == nil || time.Until(*d.NextAttemptAt) < 110*time.Second {
			t.Fatalf("after 429 Retry-After 120: %+v", d)
		}
	})
}

// Every misbehaving receiver is a failed attempt, never a stuck engine.
func TestHostileReceivers(t *testing.T) {
	hijack := func(w http.ResponseWriter, write string) {
		c, buf, err := http.NewResponseController(w).Hijack()
		if err != nil {
			panic(err)
		}
		buf.WriteString(write)
		buf.Flush()
		if tc, ok := c.(*net.TCPConn); ok && write == "" {
			tc.SetLinger(0) // a reset, not a clean close
		}
		c.Close()
	}
	cases := []struct {
		name    string
		timeout int
		answer  func(w http.ResponseWriter, r *request)
		ok      bool
		err     string
	}{
		{"hangs", 1, func(w http.ResponseWriter, r *request) { time.Sleep(3 * time.Second) }, false, "timed out after 1s"},
		{"resets", 5, func(w http.ResponseWriter, r *request) { hijack(w, "") }, false, ""},
		{"garbage", 5, func(w http.ResponseWriter, r *request) { hijack(w, "SMTP READY\r\n\x00\xff\r\n\r\n") }, false, "malformed HTTP"},
		{"endless body", 5, func(w http.ResponseWriter, r *request) {
			chunk := bytes.Repeat([]byte("x"), 4096)
			for {
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		}, true, ""},
		{"slow headers then 200", 5, func(w http.ResponseWriter, r *request) { time.Sleep(300 * time.Millisecond) }, true, ""},
	}
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := start(t, s, delivery.Config{})
		for _, c := range cases {
			rc := newReceiver(t, c.answer)
			w := f.webhook(porter.WebhookInput{URL: rc.URL, Events: []string{"property.created"}, RetrySchedule: &[]int{}, TimeoutSeconds: &c.timeout})
			c := c
			t.Run(c.name, func(t *testing.T) {
				f.property(c.name)
				want := porter.DeliveryFailed
				if c.ok {
					want = porter.DeliverySucceeded
				}
				d := f.wait(w.ID, want, func(d *porter.Delivery) bool { return d.Status != porter.DeliveryPending })
				a := d.Attempts[0]
				if d.Status != want || !strings.Contains(a.Error, c.err) || (!c.ok && a.Error == "") {
					t.Fatalf("delivery %+v attempt %+v", d, a)
				}
				if len(a.ResponseBody) > porter.MaxResponseBody {
					t.Fatalf("stored %d bytes of body", len(a.ResponseBody))
				}
				if c.name == "endless body" && len(a.ResponseBody) != porter.MaxResponseBody {
					t.Fatalf("stored %d bytes of an endless body", len(a.ResponseBody))
				}
			})
			f.svc.DeleteWebhook(f.ctx, f.org, w.ID)
		}
	})
}

// A dead endpoint takes its own lane's budget, never the others'.
func TestSlowEndpointIsolated(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		release := make(chan struct{})
		slow := newReceiver(t, func(w http.ResponseWriter, r *request) { <-release })
		defer close(release)
		fast := newReceiver(t, nil)
		f := start(t, s, delivery.Config{Workers: 8, PerEndpoint: 2})
		timeout := 30
		f.webhook(porter.WebhookInput{URL: slow.URL, Events: []string{"property.created"}, TimeoutSeconds: &timeout})
		f.webhook(porter.WebhookInput{URL: fast.URL, Events: []string{"property.created"}})
		for i := range 20 {
			f.property(fmt.Sprint("P", i))
		}
		for range 20 {
			fast.next(t)
		}
		if n := slow.count(); n > 2 {
			t.Fatalf("the slow endpoint has %d attempts in flight, more than PerEndpoint", n)
		}
	})
}

func TestOrderedHoldsResource(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		var mu sync.Mutex
		failA := true
		rc := newReceiver(t, func(w http.ResponseWriter, r *request) {
			mu.Lock()
			defer mu.Unlock()
			if failA && bytes.Contains(r.Body, []byte(`"name":"A"`)) {
				w.WriteHeader(http.StatusInternalServerError)
			}
		})
		f := start(t, s, delivery.Config{})
		f.webhook(porter.WebhookInput{URL: rc.URL, Events: []string{"property.*"}, Ordered: true, RetrySchedule: &[]int{1, 1}})
		a := f.property("A")
		if _, err := f.svc.UpdateProperty(f.ctx, f.org, a.ID, porter.PropertyInput{Name: ptr("A2")}); err != nil {
			t.Fatal(err)
		}
		f.property("B")
		var order []string
		for len(order) < 3 {
			r := rc.next(t)
			var env struct {
				Event string
				Data  struct{ Name string }
			}
			json.Unmarshal(r.Body, &env)
			order = append(order, env.Event+" "+env.Data.Name)
			if len(order) == 2 {
				mu.Lock()
				failA = false
				mu.Unlock()
			}
		}
		// A's update never overtakes A's creation; B is not held back.
		got := strings.Join(order, ", ")
		var more []string
		for len(more) < 1 {
			r := rc.next(t)
			more = append(more, string(r.Body))
		}
		if !strings.Contains(got, "property.created B") || strings.Index(got, "property.created A") > strings.Index(got+", "+more[0], "A2") {
			t.Fatalf("order: %s then %s", got, more)
		}
	})
}

func TestTestDeliveryHeader(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		rc := newReceiver(t, nil)
		f := start(t, s, delivery.Config{})
		w := f.webhook(porter.WebhookInput{URL: rc.URL, Events: []string{"lease.expiring_soon"}})
		d, err := f.svc.TestWebhook(f.ctx, f.org, w.ID, porter.TestInput{})
		if err != nil {
			t.Fatal(err)
		}
		r := rc.next(t)
		if r.Header.Get("X-PM-Test") != "1" || r.Header.Get("X-PM-Event") != "lease.expiring_soon" || !bytes.Contains(r.Body, []byte(`"test":true`)) {
			t.Fatalf("test delivery %v %s", r.Header, r.Body)
		}
		got := f.wait(w.ID, "test succeeded", func(x *porter.Delivery) bool { return x.ID == d.ID && x.Status == porter.DeliverySucceeded })
		if !got.Test {
			t.Fatal("not marked as a test")
		}
	})
}

// Stopping gives back what was not sent and lets in-flight attempts end.
func TestDrain(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		rc := newReceiver(t, func(w http.ResponseWriter, r *request) { time.Sleep(300 * time.Millisecond) })
		f := start(t, s, delivery.Config{Workers: 1, PerEndpoint: 1})
		w := f.webhook(porter.WebhookInput{URL: rc.URL, Events: []string{"property.created"}})
		for i := range 5 {
			f.property(fmt.Sprint("P", i))
		}
		rc.next(t)
		f.stop()
		l, _ := f.svc.WebhookDeliveries(f.ctx, f.org, w.ID, porter.DeliveryFilter{})
		succeeded, pending := 0, 0
		for _, d := range l.Items {
			switch d.Status {
			case porter.DeliverySucceeded:
				succeeded++
			case porter.DeliveryPending:
				pending++
				// Given back: due now, its unsent attempt uncounted.
				if d.AttemptCount != 0 || d.NextAttemptAt == nil || time.Until(*d.NextAttemptAt) > time.Second {
					t.Errorf("after drain: %+v", d)
				}
			}
		}
		if succeeded < 1 || succeeded+pending != l.Total {
			t.Fatalf("after drain: %d succeeded, %d pending of %d", succeeded, pending, l.Total)
		}
		// The next engine delivers the rest, from the queue and the outbox.
		f.run(delivery.Config{})
		deadline := time.Now().Add(10 * time.Second)
		for {
			l, _ = f.svc.WebhookDeliveries(f.ctx, f.org, w.ID, porter.DeliveryFilter{Status: porter.DeliverySucceeded})
			if l.Total == 5 || time.Now().After(deadline) {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		if l.Total != 5 {
			t.Fatalf("after a restart, %d of 5 delivered", l.Total)
		}
	})
}

func TestMetrics(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		rc := newReceiver(t, nil)
		f := start(t, s, delivery.Config{})
		w := f.webhook(porter.WebhookInput{URL: rc.URL, Events: []string{"property.created"}})
		f.property("A")
		f.wait(w.ID, "succeeded", status(porter.DeliverySucceeded))
		srv := httptest.NewServer(f.eng.Metrics().Handler("s3cret"))
		defer srv.Close()
		if resp, _ := http.Get(srv.URL); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("metrics without token: %d", resp.StatusCode)
		}
		req, _ := http.NewRequest("GET", srv.URL, nil)
		req.Header.Set("Authorization", "Bearer s3cret")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		for _, want := range []string{`porter_webhook_deliveries_total{outcome="succeeded"} 1`, `porter_webhook_attempts_total{result="2xx"} 1`,
			`porter_webhook_attempt_duration_seconds_count 1`, "porter_webhook_queue_depth 0", "porter_webhook_oldest_pending_age_seconds 0"} {
			if !strings.Contains(string(body), want) {
				t.Errorf("metrics lack %q:\n%s", want, body)
			}
		}
	})
}
