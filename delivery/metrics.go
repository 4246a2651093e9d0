package delivery

import (
	"context"
	"crypto/subtle"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"porter"
)

// attemptBuckets are the attempt-latency histogram's upper bounds, in seconds.
var attemptBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30}

// Metrics counts what the engine does, for Prometheus. Counters are this
// node's since it started; queue depth and the oldest pending delivery are
// the database's, every node's.
type Metrics struct {
	e *Engine

	mu         sync.Mutex
	deliveries map[string]int64 // by outcome: succeeded, retried, failed
	attempts   map[string]int64 // by result: 2xx, 3xx, 4xx, 5xx, error
	disabled   int64
	events     int64
	circuits   map[string]int64 // transitions, by the state moved to
	buckets    []int64          // cumulative at write time; counts per bucket here
	sum        float64
	count      int64
}

func newMetrics(e *Engine) *Metrics {
	return &Metrics{e: e, deliveries: map[string]int64{}, attempts: map[string]int64{}, circuits: map[string]int64{},
		buckets: make([]int64, len(attemptBuckets))}
}

func (m *Metrics) circuit(to string, n int) {
	if n == 0 {
		return
	}
	m.mu.Lock()
	m.circuits[to] += int64(n)
	m.mu.Unlock()
}

func (m *Metrics) fannedOut(n int) {
	m.mu.Lock()
	m.events += int64(n)
	m.mu.Unlock()
}

func (m *Metrics) attempted(r *porter.Result) {
	result := "error"
	if s := r.Attempt.ResponseStatus; s != nil {
		result = fmt.Sprintf("%dxx", min(max(*s/100, 1), 5))
	}
	secs := float64(r.Attempt.DurationMS) / 1000
	m.mu.Lock()
	defer m.mu.Unlock()
	m.attempts[result]++
	for i, b := range attemptBuckets {
		if secs <= b {
			m.buckets[i]++
			break
		}
	}
	m.sum += secs
	m.count++
}

func (m *Metrics) recorded(fx *porter.Effects) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.deliveries["succeeded"] += int64(fx.Succeeded)
	m.deliveries["retried"] += int64(fx.Retried)
	m.deliveries["failed"] += int64(fx.Failed)
	m.disabled += int64(len(fx.Disabled))
	m.circuits[porter.CircuitOpen] += int64(fx.CircuitsOpened)
	m.circuits[porter.CircuitClosed] += int64(fx.CircuitsClosed)
}

// Handler serves the metrics in Prometheus' text format. A non-empty
// token must come as "Authorization: Bearer <token>".
func (m *Metrics) Handler(token string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if token != "" {
			got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
			if !ok || subtle.ConstantTimeCompare([]byte(got), []byte(token)) != 1 {
				w.Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
				http.Error(w, "metrics need Authorization: Bearer <PORTER_METRICS_TOKEN>", http.StatusUnauthorized)
				return
			}
		}
		ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
		defer cancel()
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		m.WriteTo(ctx, w)
	})
}

// WriteTo writes every metric in Prometheus' text format.
func (m *Metrics) WriteTo(ctx context.Context, w io.Writer) {
	held, inflight := m.e.lanes.counts()
	stats, statsErr := m.e.store.DeliveryStats(ctx)

	m.mu.Lock()
	defer m.mu.Unlock()
	p := func(format string, args ...any) { fmt.Fprintf(w, format+"\n", args...) }
	p("# HELP porter_webhook_deliveries_total Attempts recorded on this node, by what they made of their delivery.")
	p("# TYPE porter_webhook_deliveries_total counter")
	for _, o := range []string{"succeeded", "retried", "failed"} {
		p(`porter_webhook_deliveries_total{outcome="%s"} %d`, o, m.deliveries[o])
	}
	p("# HELP porter_webhook_attempts_total Attempts sent by this node, by response class (error: no response).")
	p("# TYPE porter_webhook_attempts_total counter")
	for _, r := range []string{"2xx", "3xx", "4xx", "5xx", "error"} {
		p(`porter_webhook_attempts_total{result="%s"} %d`, r, m.attempts[r])
	}
	p("# HELP porter_webhook_attempt_duration_seconds How long attempts took, request to response body.")
	p("# TYPE porter_webhook_attempt_duration_seconds histogram")
	var cum int64
	for i, b := range attemptBuckets {
		cum += m.buckets[i]
		p(`porter_webhook_attempt_duration_seconds_bucket{le="%g"} %d`, b, cum)
	}
	p(`porter_webhook_attempt_duration_seconds_bucket{le="+Inf"} %d`, m.count)
	p("porter_webhook_attempt_duration_seconds_sum %g", m.sum)
	p("porter_webhook_attempt_duration_seconds_count %d", m.count)
	p("# HELP porter_webhook_events_fanned_out_total Events this node turned into deliveries.")
	p("# TYPE porter_webhook_events_fanned_out_total counter")
	p("porter_webhook_events_fanned_out_total %d", m.events)
	p("# HELP porter_webhooks_disabled_total Webhooks this node disabled (410 Gone, or failing too long).")
	p("# TYPE porter_webhooks_disabled_total counter")
	p("porter_webhooks_disabled_total %d", m.disabled)
	p("# HELP porter_webhook_circuit_transitions_total Circuit breaker transitions this node made, by the state moved to.")
	p("# TYPE porter_webhook_circuit_transitions_total counter")
	for _, to := range []string{porter.CircuitOpen, porter.CircuitHalfOpen, porter.CircuitClosed} {
		p(`porter_webhook_circuit_transitions_total{to="%s"} %d`, to, m.circuits[to])
	}
	p("# HELP porter_webhook_inflight Attempts in flight on this node.")
	p("# TYPE porter_webhook_inflight gauge")
	p("porter_webhook_inflight %d", inflight)
	p("# HELP porter_webhook_leased Deliveries this node holds: queued to send or in flight.")
	p("# TYPE porter_webhook_leased gauge")
	p("porter_webhook_leased %d", held)
	if statsErr != nil {
		p("# porter_webhook_queue_depth unavailable: %s", strings.ReplaceAll(statsErr.Error(), "\n", " "))
		return
	}
	p("# HELP porter_webhook_queue_depth Pending deliveries in the database, every node's.")
	p("# TYPE porter_webhook_queue_depth gauge")
	p("porter_webhook_queue_depth %d", stats.Pending)
	p("# HELP porter_webhook_circuit_open Webhooks whose circuit is open (deliveries wait for a probe) or half-open (probing), every node's.")
	p("# TYPE porter_webhook_circuit_open gauge")
	p(`porter_webhook_circuit_open{state="open"} %d`, stats.OpenCircuits)
	p(`porter_webhook_circuit_open{state="half_open"} %d`, stats.HalfOpenCircuits)
	age := 0.0
	if stats.OldestPendingAt != nil {
		age = max(m.e.now().Sub(*stats.OldestPendingAt).Seconds(), 0)
	}
	p("# HELP porter_webhook_oldest_pending_age_seconds Age of the oldest pending delivery (0 when none).")
	p("# TYPE porter_webhook_oldest_pending_age_seconds gauge")
	p("porter_webhook_oldest_pending_age_seconds %g", age)
}
