package delivery_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"runtime/pprof"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"porter"
	"porter/delivery"
	"porter/storetest"
	"porter/webhook"
)

// The benchmarks run the real engine on a real store against a real
// loopback receiver, through the production (SSRF-guarded, private
// addresses allowed) client. Run them with
//
//	go test ./delivery -run '^$' -bench . -benchtime 1x
//
// Each reports its figures as custom metrics.

func guardedClient() *http.Client { return (&webhook.Guard{AllowPrivate: true}).Client(0) }

// sink is the fastest honest receiver: it reads the body and answers 200.
type sink struct {
	*httptest.Server
	n      atomic.Int64
	target atomic.Int64
	done   chan struct{}
	once   sync.Once
	// onBody, if set, sees every body as it arrives.
	onBody func(body []byte, at time.Time)
}

func newSink(tb testing.TB) *sink {
	s := &sink{done: make(chan struct{})}
	s.target.Store(-1)
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var buf bytes.Buffer
		buf.ReadFrom(r.Body)
		if s.onBody != nil {
			s.onBody(buf.Bytes(), time.Now())
		}
		if s.n.Add(1) == s.target.Load() {
			s.once.Do(func() { close(s.done) })
		}
	}))
	tb.Cleanup(s.Close)
	return s
}

func (s *sink) await(tb testing.TB, n int64, timeout time.Duration) {
	s.target.Store(n)
	if s.n.Load() >= n {
		return
	}
	select {
	case <-s.done:
	case <-time.After(timeout):
		tb.Fatalf("received %d of %d", s.n.Load(), n)
	}
}

func eachEngine(b *testing.B, fn func(b *testing.B, engine string, s porter.Store)) {
	for _, engine := range storetest.Engines {
		b.Run(engine, func(b *testing.B) { fn(b, engine, storetest.Open(b, engine)) })
	}
}

// createProperties commits n events, from 32 writers at once.
func (f *fixture) createProperties(n int) {
	var wg sync.WaitGroup
	var next atomic.Int64
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := next.Add(1); i <= int64(n); i = next.Add(1) {
				name := fmt.Sprint("P", i)
				if _, err := f.svc.CreateProperty(f.ctx, f.org, porter.PropertyInput{Name: &name}); err != nil {
					f.t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
}

func (f *fixture) awaitSettled(tb testing.TB, s porter.Store) {
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		st, err := s.DeliveryStats(f.ctx)
		if err != nil {
			tb.Fatal(err)
		}
		if st.Pending == 0 {
			return
		}
		time.Sleep(time.Millisecond)
	}
	tb.Fatal("deliveries still pending")
}

// BenchmarkThroughput: durable deliveries per second, fan-out 1. The
// outbox holds the events when the engine starts; the clock stops when
// the last delivery is recorded as succeeded. Beside it, a bare
// keep-alive POST loop against the same receiver: the physical limit.
func BenchmarkThroughput(b *testing.B) {
	const n = 20000
	workers, perEndpoint := benchInt("W", 128), benchInt("PE", 128)
	eachEngine(b, func(b *testing.B, engine string, s porter.Store) {
		b.StopTimer() // each phase times itself; set-up stays out of ns/op too
		for range b.N {
			rc := newSink(b)
			f := newFixture(b, s)
			f.webhook(benchHook(rc.URL))
			f.createProperties(n)
			if p := os.Getenv("PROFILE"); p != "" {
				pf, _ := os.Create(p + "." + engine)
				pprof.StartCPUProfile(pf)
			}
			b.StartTimer()
			// The engine's start is a few goroutines and a LISTEN
			// connection made beside its first fan-out: it cannot be taken
			// apart from draining an outbox that is full when it starts.
			start := time.Now()
			f.run(delivery.Config{Client: guardedClient(), PerEndpoint: perEndpoint, Workers: workers})
			rc.await(b, n, 2*time.Minute)
			f.awaitSettled(b, s)
			b.StopTimer()
			pprof.StopCPUProfile()
			engine := float64(n) / time.Since(start).Seconds()
			f.stop()

			// Live: the same number of events committed while the engine runs.
			rc2 := newSink(b)
			f2 := newFixture(b, s)
			f2.webhook(benchHook(rc2.URL))
			f2.run(delivery.Config{Client: guardedClient(), PerEndpoint: perEndpoint, Workers: workers})
			time.Sleep(100 * time.Millisecond) // started and listening: start-up is not timed
			start = time.Now()
			f2.createProperties(n)
			created := float64(n) / time.Since(start).Seconds()
			rc2.await(b, n, 2*time.Minute)
			f2.awaitSettled(b, s)
			live := float64(n) / time.Since(start).Seconds()
			f2.stop()
			b.ReportMetric(live, "live-deliveries/s")
			b.ReportMetric(created, "live-events/s")

			// Like with like: as many concurrent POSTs as the engine has workers.
			bare := bareLoop(b, rc.URL, n, workers)
			b.ReportMetric(engine, "deliveries/s")
			b.ReportMetric(bare, "bare-posts/s")
			b.ReportMetric(engine/bare, "ratio")
		}
	})
}

// bareLoop POSTs an event-sized body n times from workers goroutines
// over keep-alive connections and returns requests per second.
func bareLoop(b *testing.B, url string, n, workers int) float64 {
	client := guardedClient()
	body := []byte(`{"event":"property.created","id":"evt_1764950000_1","fired_at":"2026-12-05T16:00:00Z","data":{"id":1,"name":"P1","address":"","city":"","country":"","created_at":"2026-12-05T16:00:00Z","updated_at":"2026-12-05T16:00:00Z"}}`)
	var next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(n) {
				resp, err := client.Post(url, "application/json", bytes.NewReader(body))
				if err != nil {
					b.Error(err)
					return
				}
				resp.Body.Close()
			}
		}()
	}
	wg.Wait()
	return float64(n) / time.Since(start).Seconds()
}

// BenchmarkLatency: commit to first attempt at a steady 1,000 events/s.
// The clock starts when the write that recorded the event returns
// (commit acknowledged) and stops when the receiver has the request.
func BenchmarkLatency(b *testing.B) {
	// The first second warms up: PostgreSQL's pool opens connections and
	// each new backend loads its catalog caches, which stalls early
	// writes by hundreds of milliseconds. It is reported on its own.
	const rate, warmup, seconds = 1000, 1, 3
	eachEngine(b, func(b *testing.B, engine string, s porter.Store) {
		b.StopTimer() // only the load is timed, not the fixture or the engine's start
		for range b.N {
			rc := newSink(b)
			var mu sync.Mutex
			committed := map[int64]time.Time{}
			began := map[int64]time.Time{} // when each write was sent
			arrived := map[int64]time.Time{}
			rc.onBody = func(body []byte, at time.Time) {
				var env struct{ Data struct{ ID int64 } }
				json.Unmarshal(body, &env)
				mu.Lock()
				if _, dup := arrived[env.Data.ID]; !dup { // at least once: the first counts
					arrived[env.Data.ID] = at
				}
				mu.Unlock()
			}
			f := newFixture(b, s)
			f.webhook(porter.WebhookInput{URL: rc.URL, Events: []string{"property.created"}})
			f.run(delivery.Config{Client: guardedClient()})
			time.Sleep(100 * time.Millisecond) // the engine is up and listening

			total := rate * (warmup + seconds)
			warm := map[int64]time.Time{}
			b.StartTimer()
			tick := time.NewTicker(time.Second / rate)
			var wg sync.WaitGroup
			for i := range total {
				<-tick.C
				wg.Add(1)
				go func() {
					defer wg.Done()
					name := fmt.Sprint("L", i)
					sent := time.Now()
					p, err := f.svc.CreateProperty(f.ctx, f.org, porter.PropertyInput{Name: &name})
					at := time.Now()
					if err != nil {
						b.Error(err)
						return
					}
					mu.Lock()
					began[p.ID] = sent
					if i < rate*warmup {
						warm[p.ID] = at
					} else {
						committed[p.ID] = at
					}
					mu.Unlock()
				}()
			}
			tick.Stop()
			wg.Wait()
			rc.await(b, int64(total), time.Minute)
			b.StopTimer()
			f.stop()
			// A delivery that never arrived, or arrived before its write
			// was even sent (a bookkeeping error), is a failure, never a
			// 0 ms latency. One that arrived while its write was returning
			// (the writer goroutine not yet rescheduled among a thousand)
			// was delivered before the acknowledgement: 0 ms is its true
			// upper bound, and how many did is reported.
			var lat []time.Duration
			var missing, negative, beforeAck int
			for id, c := range committed {
				a, ok := arrived[id]
				switch {
				case !ok:
					missing++
				case a.Before(began[id]):
					negative++
				case a.Before(c):
					beforeAck++
					lat = append(lat, 0)
				default:
					lat = append(lat, a.Sub(c))
				}
			}
			b.ReportMetric(float64(missing), "missing")
			b.ReportMetric(float64(negative), "negative")
			b.ReportMetric(float64(beforeAck), "before-ack")
			if missing+negative > 0 || len(lat) == 0 {
				b.Errorf("%d of %d deliveries missing, %d arrived before their write was sent", missing, len(committed), negative)
				continue
			}
			sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
			ms := func(q float64) float64 { return float64(lat[int(q*float64(len(lat)-1))].Microseconds()) / 1000 }
			b.ReportMetric(ms(0.50), "p50-ms")
			b.ReportMetric(ms(0.99), "p99-ms")
			b.ReportMetric(ms(1), "max-ms")
			var warmMax time.Duration
			for id, c := range warm {
				a, ok := arrived[id]
				if !ok || a.Before(began[id]) {
					b.Errorf("warm-up delivery %d missing or before its write was sent", id)
					continue
				}
				warmMax = max(warmMax, max(a.Sub(c), 0)) // before the ack: 0, as above
			}
			b.ReportMetric(float64(warmMax.Microseconds())/1000, "warmup-max-ms")
		}
	})
}

// BenchmarkFanOut: one event to 1,000 subscriptions, until the last
// receives it.
func BenchmarkFanOut(b *testing.B) {
	const subs = 1000
	eachEngine(b, func(b *testing.B, engine string, s porter.Store) {
		rc := newSink(b)
		f := newFixture(b, s)
		for i := range subs {
			f.webhook(porter.WebhookInput{URL: fmt.Sprintf("%s/hook/%d", rc.URL, i), Events: []string{"property.created"}})
		}
		f.run(delivery.Config{Client: guardedClient()})
		time.Sleep(100 * time.Millisecond)
		b.ResetTimer() // 1,000 subscriptions and the engine's start are set-up
		var worst time.Duration
		var sum time.Duration
		for i := range b.N {
			start := time.Now()
			f.property(fmt.Sprint("F", i))
			rc.await(b, int64(subs*(i+1)), time.Minute)
			d := time.Since(start)
			sum += d
			worst = max(worst, d)
			rc.done, rc.once = make(chan struct{}), sync.Once{}
		}
		b.StopTimer()
		f.stop()
		b.ReportMetric(float64(sum.Milliseconds())/float64(b.N), "ms/event")
		b.ReportMetric(float64(worst.Milliseconds()), "worst-ms")
	})
}

// BenchmarkBacklog: claiming a batch from a queue with 1,000,000 pending
// deliveries against claiming from a near-empty one, and the engine's
// heap while it works through the backlog.
func BenchmarkBacklog(b *testing.B) {
	const backlog = 1_000_000
	eachEngine(b, func(b *testing.B, engine string, s porter.Store) {
		f := newFixture(b, s)
		rc := newSink(b)
		hook := f.webhook(porter.WebhookInput{URL: rc.URL, Events: []string{"property.created"}})
		q := porter.NewWebhookQueue(f.svc, "bench", webhook.NewAttemptID)
		f.property("seed")
		claim := func(rounds int) time.Duration {
			start := time.Now()
			for range rounds {
				ds, err := q.Claim(f.ctx, []porter.ClaimWant{{WebhookID: hook.ID, N: 256, LeaseUntil: time.Now().Add(time.Minute)}})
				if err != nil || len(ds) == 0 {
					b.Fatalf("claim: %d %v", len(ds), err)
				}
				if err := q.Release(f.ctx, ds); err != nil {
					b.Fatal(err)
				}
			}
			return time.Since(start) / time.Duration(rounds)
		}
		// Fan the seed event out: 1 pending delivery; pad to 1,000.
		if _, _, err := q.FanOut(f.ctx, 100, func(*porter.Subscription) (time.Time, bool) { return time.Time{}, false }); err != nil {
			b.Fatal(err)
		}
		fill(b, engine, s, hook.ID, 999)
		b.ResetTimer() // filling is set-up: the claims and the drain are timed
		empty := claim(50)
		b.StopTimer()
		fill(b, engine, s, hook.ID, backlog-1000)
		b.StartTimer()
		full := claim(50)
		b.ReportMetric(float64(empty.Microseconds()), "claim256-1k-µs")
		b.ReportMetric(float64(full.Microseconds()), "claim256-1M-µs")
		b.ReportMetric(float64(full)/float64(empty), "ratio")

		// The engine works through the backlog; its heap should not grow with it.
		runtime.GC()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		f.run(delivery.Config{Client: guardedClient(), PerEndpoint: 64})
		var peak uint64
		deadline := time.Now().Add(5 * time.Second)
		for time.Now().Before(deadline) {
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			peak = max(peak, m.HeapInuse)
			time.Sleep(50 * time.Millisecond)
		}
		b.StopTimer()
		f.stop()
		b.ReportMetric(float64(rc.n.Load())/5, "backlog-deliveries/s")
		b.ReportMetric(float64(before.HeapInuse)/(1<<20), "heap-before-MiB")
		b.ReportMetric(float64(peak)/(1<<20), "heap-peak-MiB")
	})
}

// fill adds n pending deliveries of the organization's first event to
// hookID in bulk, straight in SQL: building a backlog through the API
// would take longer than the benchmark.
func fill(b *testing.B, engine string, s porter.Store, hookID int64, n int) {
	b.Helper()
	const cols = `org_id, webhook_id, event_seq, event_id, event_type, status, next_attempt_at, created_at, updated_at`
	const pick = `SELECT org_id, webhook_id, event_seq, event_id, event_type, status, next_attempt_at, created_at, updated_at
FROM webhook_deliveries WHERE webhook_id = %d ORDER BY id LIMIT 1`
	if engine == storetest.SQLite {
		storetest.Exec(b, s, fmt.Sprintf(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d),
t AS (`+pick+`)
INSERT INTO webhook_deliveries (`+cols+`) SELECT t.* FROM n, t`, n, hookID))
		return
	}
	storetest.Exec(b, s, fmt.Sprintf(`WITH t AS (`+pick+`)
INSERT INTO webhook_deliveries (`+cols+`) SELECT t.* FROM generate_series(1, %d), t`, hookID, n))
	storetest.Exec(b, s, `ANALYZE webhook_deliveries`)
}

// benchHook is BenchmarkThroughput's webhook: HMAC and Porter's format,
// or SIGNATURE=ed25519 and FORMAT=arkanpm (say) to measure what signing
// and reshaping each attempt cost.
func benchHook(url string) porter.WebhookInput {
	return porter.WebhookInput{URL: url, Events: []string{"property.created"}, Signature: os.Getenv("SIGNATURE"), PayloadFormat: os.Getenv("FORMAT")}
}

func benchInt(env string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(env)); err == nil {
		return v
	}
	return def
}
