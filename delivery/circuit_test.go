package delivery_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"porter"
	"porter/delivery"
	"porter/storetest"
)

// TestCircuitOpensAndProbes: an endpoint that stops answering opens its
// circuit after three attempts in a row time out; while open nothing is
// sent to it and its deliveries wait in the database without spending
// attempts; after the cool-down one probe goes, and once it answers
// everything held is delivered at once. The state shows in the webhook's
// health and in /metrics.
func TestCircuitOpensAndProbes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		var alive atomic.Bool
		var mu sync.Mutex
		var got []time.Time // answered requests
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !alive.Load() {
				// Never answers: the attempt times out. With the body read
				// the server notices the client hang up.
				io.Copy(io.Discard, r.Body)
				<-r.Context().Done()
				return
			}
			mu.Lock()
			got = append(got, time.Now())
			mu.Unlock()
			w.WriteHeader(http.StatusNoContent)
		}))
		defer srv.Close()
		count := func() int { mu.Lock(); defer mu.Unlock(); return len(got) }
		f := newFixture(t, s)
		timeout := 1
		w := f.webhook(porter.WebhookInput{URL: srv.URL, Events: []string{"property.created"}, TimeoutSeconds: &timeout,
			RetrySchedule: &[]int{1, 1, 1, 1, 1, 1, 1, 1}})
		const cooldown = 1500 * time.Millisecond
		f.runTuned(delivery.Config{SweepInterval: 50 * time.Millisecond, LeaseMargin: 5 * time.Second, DrainTimeout: 200 * time.Millisecond},
			func(q *porter.WebhookQueue) { q.Circuit.Cooldown, q.Circuit.MaxCooldown = cooldown, 2*cooldown })
		circuit := func() porter.CircuitView {
			t.Helper()
			got, err := f.svc.Webhook(f.ctx, f.org, w.ID)
			if err != nil {
				t.Fatal(err)
			}
			return got.Health.Circuit
		}
		metrics := func() string {
			var b strings.Builder
			f.eng.Metrics().WriteTo(context.Background(), &b)
			return b.String()
		}
		for i := range 3 {
			f.property(fmt.Sprint("P", i))
		}
		deadline := time.Now().Add(15 * time.Second)
		for circuit().State != porter.CircuitOpen {
			if time.Now().After(deadline) {
				t.Fatalf("the circuit did not open: %+v", circuit())
			}
			time.Sleep(20 * time.Millisecond)
		}
		c := circuit()
		if c.ConsecutiveFailures < 3 || c.OpenedAt == nil || c.NextProbeAt == nil {
			t.Fatalf("open circuit: %+v", c)
		}
		m := metrics()
		for _, want := range []string{`porter_webhook_circuit_open{state="open"} 1`, `porter_webhook_circuit_transitions_total{to="open"} 1`} {
			if !strings.Contains(m, want) {
				t.Fatalf("/metrics lacks %s:\n%s", want, m)
			}
		}
		// Events while it is open wait, pending, for the probe.
		alive.Store(true)
		opened := time.Now()
		for i := range 3 {
			f.property(fmt.Sprint("Q", i))
		}
		time.Sleep(300 * time.Millisecond)
		if n := count(); n != 0 {
			t.Fatalf("%d attempts reached the endpoint %s after its circuit opened", n, time.Since(opened))
		}
		l, err := f.svc.WebhookDeliveries(f.ctx, f.org, w.ID, porter.DeliveryFilter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range l.Items {
			if d.Status != porter.DeliveryPending || d.NextAttemptAt == nil || d.NextAttemptAt.Before(c.NextProbeAt.Add(-time.Second)) {
				t.Fatalf("delivery %d while open: %s, next attempt %v; want pending until %s", d.ID, d.Status, d.NextAttemptAt, c.NextProbeAt)
			}
		}
		// The probe answers: closed, and all six are delivered at once.
		for count() < 6 {
			if time.Now().After(deadline.Add(10 * time.Second)) {
				t.Fatalf("after the probe, %d of 6 delivered; circuit %+v", count(), circuit())
			}
			time.Sleep(20 * time.Millisecond)
		}
		mu.Lock()
		first, last := got[0], got[5]
		mu.Unlock()
		if first.Before(c.NextProbeAt.Add(-time.Second)) {
			t.Fatalf("the probe went at %s, before the cool-down ended at %s", first, c.NextProbeAt)
		}
		if gap := last.Sub(first); gap > 2*time.Second {
			t.Fatalf("held deliveries went %s after the probe answered, not at once", gap)
		}
		if c := circuit(); c.State != porter.CircuitClosed || c.ConsecutiveFailures != 0 {
			t.Fatalf("after the probe answered: %+v", c)
		}
		for range 500 { // the last results may not be recorded yet
			if l, err = f.svc.WebhookDeliveries(f.ctx, f.org, w.ID, porter.DeliveryFilter{Status: porter.DeliverySucceeded}); err != nil {
				t.Fatal(err)
			}
			if len(l.Items) == 6 {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		for _, d := range l.Items[:3] { // newest first: the three made while it was open
			if d.Status != porter.DeliverySucceeded || d.AttemptCount != 1 {
				t.Fatalf("delivery %d held by the circuit took %d attempts; waiting must not spend any", d.ID, d.AttemptCount)
			}
		}
		m = metrics()
		for _, want := range []string{`porter_webhook_circuit_open{state="open"} 0`, `porter_webhook_circuit_transitions_total{to="half_open"} 1`,
			`porter_webhook_circuit_transitions_total{to="closed"} 1`} {
			if !strings.Contains(m, want) {
				t.Fatalf("/metrics lacks %s:\n%s", want, m)
			}
		}
	})
}
