package delivery_test

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"porter"
	"porter/delivery"
	"porter/storetest"
)

// deadListener accepts connections on loopback and never reads from or
// answers them: every attempt to it holds its worker for the webhook's
// whole timeout.
type deadListener struct {
	ln       net.Listener
	mu       sync.Mutex
	conns    []net.Conn
	accepted atomic.Int64
}

func newDeadListener(tb testing.TB) *deadListener {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	d := &deadListener{ln: ln}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			d.accepted.Add(1)
			d.mu.Lock()
			d.conns = append(d.conns, c)
			d.mu.Unlock()
		}
	}()
	tb.Cleanup(func() {
		ln.Close()
		d.mu.Lock()
		defer d.mu.Unlock()
		for _, c := range d.conns {
			c.Close()
		}
	})
	return d
}

func (d *deadListener) url(path string) string { return "http://" + d.ln.Addr().String() + path }

// fairScenario is a healthy endpoint sharing the node with dead ones.
type fairScenario struct {
	name     string
	dead     int  // webhooks to an endpoint that never answers
	otherOrg bool // the dead webhooks belong to another organization, which commits as many events
}

// fairScenarios: each run with dead endpoints compares with the baseline
// of its kind, the same events without them.
var fairScenarios = []fairScenario{
	{"baseline same org", 0, false},
	{"baseline other org", 0, true},
	{"8 dead same org", 8, false},
	{"8 dead other org", 8, true},
	{"64 dead same org", 64, false},
	{"64 dead other org", 64, true},
}

// fairRun commits events at rate per second for d, on a node with the
// default workers and the default 10 s timeout, and returns the healthy
// endpoint's commit→delivery latencies, sorted, and how many connections
// the dead endpoints were sent. The healthy webhook exists before the
// dead ones, as a customer's would before someone adds endpoints that
// never answer.
func fairRun(tb testing.TB, s porter.Store, sc fairScenario, rate int, d time.Duration) ([]time.Duration, int64) {
	tb.Helper()
	f := newFixture(tb, s)
	var mu sync.Mutex
	arrived := map[int64]time.Time{}
	healthy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var env struct{ Data struct{ ID int64 } }
		err := json.NewDecoder(r.Body).Decode(&env)
		at := time.Now()
		if err == nil {
			mu.Lock()
			arrived[env.Data.ID] = at
			mu.Unlock()
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	defer healthy.Close()
	events := []string{"property.created"}
	hooks := map[int64][]int64{f.org: {f.webhook(porter.WebhookInput{URL: healthy.URL + "/healthy", Events: events}).ID}}
	deadOrg := f.org
	if sc.otherOrg {
		o, err := f.svc.CreateOrganization(f.ctx, "Dead endpoints")
		if err != nil {
			tb.Fatal(err)
		}
		deadOrg = o.ID
	}
	dead := newDeadListener(tb)
	for i := range sc.dead {
		w, err := f.svc.CreateWebhook(f.ctx, deadOrg, porter.WebhookInput{URL: dead.url(fmt.Sprintf("/dead/%d", i)), Events: events})
		if err != nil {
			tb.Fatal(err)
		}
		hooks[deadOrg] = append(hooks[deadOrg], w.ID)
	}
	f.run(delivery.Config{SweepInterval: 50 * time.Millisecond, LeaseMargin: 5 * time.Second, DrainTimeout: 200 * time.Millisecond})
	time.Sleep(100 * time.Millisecond) // the engine is up and listening

	committed := map[int64]time.Time{}
	create := func(org int64, name string, record bool) {
		p, err := f.svc.CreateProperty(f.ctx, org, porter.PropertyInput{Name: &name})
		at := time.Now()
		if err != nil {
			tb.Error(err)
			return
		}
		if record {
			mu.Lock()
			committed[p.ID] = at
			mu.Unlock()
		}
	}
	n := int(d.Seconds() * float64(rate))
	tick := time.NewTicker(time.Second / time.Duration(rate))
	var wg sync.WaitGroup
	for i := range n {
		<-tick.C
		wg.Add(1)
		go func() { defer wg.Done(); create(f.org, fmt.Sprint("H", i), true) }()
		if sc.otherOrg {
			wg.Add(1)
			go func() { defer wg.Done(); create(deadOrg, fmt.Sprint("D", i), false) }()
		}
	}
	tick.Stop()
	wg.Wait()
	deadline := time.Now().Add(30 * time.Second)
	for {
		mu.Lock()
		got := len(arrived)
		mu.Unlock()
		if got >= n {
			break
		}
		if time.Now().After(deadline) {
			tb.Fatalf("%s: the healthy endpoint received %d of %d", sc.name, got, n)
		}
		time.Sleep(10 * time.Millisecond)
	}
	held := dead.accepted.Load()
	f.stop()
	// Leave nothing due behind for the next run on this database.
	for org, ids := range hooks {
		for _, id := range ids {
			if _, err := f.svc.DeleteWebhook(f.ctx, org, id); err != nil {
				tb.Fatal(err)
			}
		}
	}
	mu.Lock()
	defer mu.Unlock()
	lat := make([]time.Duration, 0, n)
	for id, c := range committed {
		a, ok := arrived[id]
		if !ok {
			tb.Fatalf("%s: property %d never arrived", sc.name, id)
		}
		lat = append(lat, max(a.Sub(c), 0))
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	return lat, held
}

func quantile(sorted []time.Duration, q float64) time.Duration {
	return sorted[int(q*float64(len(sorted)-1))]
}

// TestDeadEndpointsDoNotSlowHealthy is the acceptance test of issue 8:
// 8 and 64 endpoints that never answer, in the healthy endpoint's
// organization and in another, hold workers for their whole 10 s timeout
// throughout, and the healthy endpoint's p99 stays within twice what it
// is without them, or a floor more (150 ms; 300 ms under the race
// detector, which instruments SQLite itself, and the dead endpoints' 64
// deliveries per event are written all the same), so that scheduler noise
// on a few milliseconds does not fail it. On a machine shared with other
// work one run can stall; a scenario over its limit is measured again,
// with its baseline, and fails only if it is over both times. Stuck
// workers are not noise: they cost the whole 10 s timeout, every time.
func TestDeadEndpointsDoNotSlowHealthy(t *testing.T) {
	rate, d, floor := 25, 2400*time.Millisecond, 150*time.Millisecond
	if raceEnabled {
		rate, d, floor = 6, 4*time.Second, 300*time.Millisecond
	}
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		run := func(sc fairScenario) time.Duration {
			lat, held := fairRun(t, s, sc, rate, d)
			t.Logf("%s: p50 %s p99 %s; %d connections to dead endpoints", sc.name, quantile(lat, 0.5), quantile(lat, 0.99), held)
			// The point: dead endpoints did hold workers all along.
			if sc.dead > 0 && held < 8 {
				t.Errorf("%s: the dead endpoints were sent only %d attempts; the test proves nothing", sc.name, held)
			}
			return quantile(lat, 0.99)
		}
		base := map[bool]time.Duration{}
		for _, sc := range fairScenarios {
			if sc.dead == 0 {
				base[sc.otherOrg] = run(sc)
				continue
			}
			var p99, limit time.Duration
			for try := range 2 {
				if try > 0 {
					base[sc.otherOrg] = run(fairScenario{name: "baseline again", otherOrg: sc.otherOrg})
				}
				limit = max(2*base[sc.otherOrg], base[sc.otherOrg]+floor)
				if p99 = run(sc); p99 <= limit {
					break
				}
			}
			if p99 > limit {
				t.Errorf("%s: the healthy endpoint's p99 is %s, over %s (baseline p99 %s)", sc.name, p99, limit, base[sc.otherOrg])
			}
		}
	})
}
