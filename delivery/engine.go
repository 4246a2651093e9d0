// Package delivery is Porter's webhook delivery engine: it sends what
// porter.WebhookQueue leases, records what came of it, and keeps going
// through dead endpoints, database hiccups, restarts and kill -9.
//
// One engine runs per node. Its loops:
//   - fan-out turns committed events into deliveries the moment a commit
//     wakes it, leasing what this node has room for;
//   - the claimer leases due deliveries (retries, those another node or a
//     crash left, those that did not fit) when woken, and sweeps every
//     SweepInterval for retries come due and leases lost;
//   - workers send, fairly across organizations and endpoints;
//   - the recorder stores attempts in batches;
//   - the pruner deletes what is older than Retention.
package delivery

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"porter"
)

// Config tunes an Engine. Zero values take the defaults.
type Config struct {
	Workers     int // concurrent attempts on this node (64)
	PerEndpoint int // concurrent attempts to one webhook (8)
	Batch       int // events per fan-out, deliveries per record (256)
	// An attempt's lease is twice the webhook's timeout plus LeaseMargin
	// (30 s): longer than the wait in a lane and the attempt together, so
	// only a dead node's leases lapse.
	LeaseMargin   time.Duration
	SweepInterval time.Duration // how often due retries and lost leases are looked for (1 s)
	Retention     time.Duration // how long finished deliveries and attempts are kept (30 days)
	PruneInterval time.Duration // (1 min)
	PruneBatch    int           // rows deleted per prune transaction (1000)
	DrainTimeout  time.Duration // how long a stopping node lets attempts in flight finish (30 s)
	Nodes         NodeConfig    // heartbeats, and finding dead nodes (nodes.go)
	// SlowAfter (1 s): an endpoint with an attempt in flight for longer,
	// like one that has not answered yet, shares half the workers with
	// every other such endpoint (see lanes).
	SlowAfter time.Duration

	Client *http.Client     // sends attempts; SSRF-guarded in production (webhook.Guard.Client)
	Now    func() time.Time // the queue's clock
	Logger *slog.Logger
}

func (c *Config) defaults() {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	defd := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&c.Workers, 64)
	def(&c.PerEndpoint, 8)
	def(&c.Batch, 256)
	def(&c.PruneBatch, 1000)
	defd(&c.LeaseMargin, 30*time.Second)
	defd(&c.SweepInterval, time.Second)
	defd(&c.Retention, 30*24*time.Hour)
	defd(&c.PruneInterval, time.Minute)
	defd(&c.DrainTimeout, 30*time.Second)
	defd(&c.SlowAfter, time.Second)
	if c.Client == nil {
		// Unguarded: for tests. Production passes webhook.Guard's client.
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.MaxIdleConnsPerHost = c.Workers
		c.Client = &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
}

// Engine delivers webhooks for one node.
type Engine struct {
	q       *porter.WebhookQueue
	store   porter.QueueStore
	cfg     Config
	now     func() time.Time
	log     *slog.Logger
	lanes   *lanes
	metrics *Metrics

	results   chan *porter.Result
	claimPoke chan struct{}
	starved   atomic.Bool // a sweep ran out of room before asking every webhook
	duePoke   chan struct{}
	retries   *wakeups // sweeps the moment a retry recorded here comes due
}

// New returns an engine sending what q leases from store.
func New(q *porter.WebhookQueue, store porter.QueueStore, cfg Config) *Engine {
	cfg.defaults()
	e := &Engine{q: q, store: store, cfg: cfg, now: cfg.Now, log: cfg.Logger,
		lanes:     newLanes(cfg.Workers, cfg.PerEndpoint, 2*cfg.PerEndpoint, 4*cfg.Workers, cfg.SlowAfter, time.Now),
		results:   make(chan *porter.Result, 4*cfg.Workers),
		claimPoke: make(chan struct{}, 1),
		duePoke:   make(chan struct{}, 1),
	}
	e.retries = &wakeups{now: cfg.Now, fire: func() {
		select {
		case e.duePoke <- struct{}{}:
		default:
		}
	}}
	e.metrics = newMetrics(e)
	return e
}

// Metrics is the engine's Prometheus endpoint.
func (e *Engine) Metrics() *Metrics { return e.metrics }

// Run delivers until ctx ends, then drains: sends not started are given
// back to the queue, those in flight get DrainTimeout to finish, and every
// result is recorded before Run returns.
func (e *Engine) Run(ctx context.Context) error {
	watch := e.store.WatchQueue(ctx)
	members := e.joinNodes(ctx) // before anything is leased
	// Sends outlive ctx by up to DrainTimeout.
	sendCtx, stopSends := context.WithCancel(context.WithoutCancel(ctx))
	defer stopSends()

	var loops, workers sync.WaitGroup
	loop := func(fn func(context.Context)) {
		loops.Add(1)
		go func() { defer loops.Done(); fn(ctx) }()
	}
	loop(func(ctx context.Context) { e.fanOutLoop(ctx, watch.Events) })
	loop(func(ctx context.Context) { e.claimLoop(ctx, watch.Deliveries) })
	loop(e.pruneLoop)
	if members != nil {
		loop(members.run)
	}
	for range e.cfg.Workers {
		workers.Add(1)
		go func() { defer workers.Done(); e.work(sendCtx) }()
	}
	recorded := make(chan struct{})
	go func() { defer close(recorded); e.record() }()

	<-ctx.Done()
	e.retries.stop()
	loops.Wait() // no more leases are taken
	unsent := e.lanes.close()
	release, cancel := context.WithTimeout(context.Background(), e.cfg.DrainTimeout)
	defer cancel()
	if err := e.q.Release(release, unsent); err != nil {
		// Their leases lapse instead; nothing is lost, only delayed.
		e.log.Warn("delivery: give back unsent deliveries", "n", len(unsent), "err", err)
	}
	drained := make(chan struct{})
	go func() { workers.Wait(); close(drained) }()
	select {
	case <-drained:
	case <-time.After(e.cfg.DrainTimeout):
		e.log.Warn("delivery: attempts still in flight at the drain timeout; cancelling them")
		stopSends()
		<-drained
	}
	close(e.results)
	<-recorded
	members.leave()
	return nil
}

// admit leases a fresh delivery to this node when it has room for it.
func (e *Engine) admit(reserved map[int64]int) porter.Admit {
	return func(sub *porter.Subscription) (time.Time, bool) {
		if e.lanes.reserve(sub.OrgID, sub.ID, 1) == 0 {
			return time.Time{}, false
		}
		reserved[sub.ID]++
		return e.leaseUntil(sub), true
	}
}

func (e *Engine) leaseUntil(sub *porter.Subscription) time.Time {
	return e.now().Add(2*time.Duration(sub.TimeoutSeconds)*time.Second + e.cfg.LeaseMargin)
}

// fanOutLoop drains the outbox whenever a commit recorded events, and
// every sweep in case a wake-up was missed.
func (e *Engine) fanOutLoop(ctx context.Context, events <-chan struct{}) {
	tick := time.NewTicker(e.cfg.SweepInterval)
	defer tick.Stop()
	backoff := newBackoff()
	for {
		err := e.fanOut(ctx)
		if err == nil {
			backoff.reset()
		} else if ctx.Err() == nil {
			e.log.Warn("delivery: fan out", "err", err)
			if !backoff.wait(ctx) {
				return
			}
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-events:
		case <-tick.C:
		}
	}
}

func (e *Engine) fanOut(ctx context.Context) error {
	for ctx.Err() == nil {
		reserved := map[int64]int{}
		leased, n, err := e.q.FanOut(ctx, e.cfg.Batch, e.admit(reserved))
		if err != nil {
			for id, k := range reserved {
				e.lanes.unreserve(id, k)
			}
			return err
		}
		e.lanes.add(leased)
		e.metrics.fannedOut(n)
		if n < e.cfg.Batch {
			return nil
		}
	}
	return nil
}

// claimLoop leases due deliveries: on a wake-up every webhook is asked
// for (retries, releases, what fan-out had no room for); when a lane
// frees room, the webhooks known to have more waiting are.
func (e *Engine) claimLoop(ctx context.Context, due <-chan struct{}) {
	tick := time.NewTicker(e.cfg.SweepInterval)
	defer tick.Stop()
	backoff := newBackoff()
	sweep := true
	var rest time.Duration // how long a sweep woken by a commit waits after the last
	for {
		var err error
		if sweep {
			e.starved.Store(false)
			start := time.Now()
			err = e.claim(ctx, nil)
			// When commits wake it faster than a sweep takes (many
			// deliveries that do not fit), sweeps take at most a third of
			// the time rather than all of it.
			rest = min(2*time.Since(start), e.cfg.SweepInterval)
		} else {
			err = e.claim(ctx, e.lanes.takeDirty())
		}
		if err == nil {
			backoff.reset()
		} else if ctx.Err() == nil {
			e.log.Warn("delivery: claim", "err", err)
			if !backoff.wait(ctx) {
				return
			}
			sweep = true
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-due:
			sweep = true
			if rest > time.Millisecond {
				t := time.NewTimer(rest)
				select {
				case <-ctx.Done():
					t.Stop()
					return
				case <-t.C:
				}
			}
		case <-e.duePoke:
			sweep = true
		case <-tick.C:
			sweep = true
		case <-e.claimPoke:
			sweep = e.starved.Swap(false)
		}
	}
}

// maxWants bounds the webhooks asked for in one claim transaction.
const maxWants = 256

// claim leases due deliveries of hookIDs, as many as each lane has room
// for; when hookIDs is nil it sweeps: the database says which webhooks
// have deliveries due, oldest first.
func (e *Engine) claim(ctx context.Context, hookIDs []int64) error {
	type cand struct {
		sub *porter.Subscription
		n   int
	}
	var cands []cand
	if hookIDs == nil {
		due, err := e.store.DueWebhooks(ctx, e.now(), 4*e.lanes.holdTotal)
		if err != nil {
			return err
		}
		refreshed := false
		for _, c := range due {
			s := e.q.Subscription(c.WebhookID)
			if s == nil && !refreshed {
				// A webhook this node has not loaded yet (another node fanned
				// out to it), or one disabled: reload once and look again.
				if err := e.q.Refresh(ctx); err != nil {
					return err
				}
				refreshed = true
				s = e.q.Subscription(c.WebhookID)
			}
			if s != nil {
				cands = append(cands, cand{s, c.N})
			}
		}
	} else {
		for _, id := range hookIDs {
			if s := e.q.Subscription(id); s != nil {
				cands = append(cands, cand{s, e.cfg.Batch})
			}
		}
	}
	for len(cands) > 0 && ctx.Err() == nil {
		var wants []porter.ClaimWant
		more := map[int64]bool{}
		for len(cands) > 0 && len(wants) < maxWants {
			c := cands[0]
			cands = cands[1:]
			n := e.lanes.reserve(c.sub.OrgID, c.sub.ID, c.n)
			if n > 0 {
				wants = append(wants, porter.ClaimWant{WebhookID: c.sub.ID, N: n, LeaseUntil: e.leaseUntil(c.sub)})
				more[c.sub.ID] = n < c.n && hookIDs == nil
			} else if e.lanes.full() {
				// Out of room with webhooks unasked: sweep again once there is.
				e.starved.Store(true)
				cands = nil
			}
		}
		if len(wants) == 0 {
			continue
		}
		ds, err := e.q.Claim(ctx, wants)
		got := map[int64]int{}
		for _, d := range ds {
			got[d.WebhookID]++
			if d.Probe {
				e.metrics.circuit(porter.CircuitHalfOpen, 1)
			}
		}
		e.lanes.add(ds)
		var dirty []int64
		for _, w := range wants {
			e.lanes.unreserve(w.WebhookID, w.N-got[w.WebhookID])
			if got[w.WebhookID] == w.N || more[w.WebhookID] {
				dirty = append(dirty, w.WebhookID) // there may be more
			}
		}
		if len(dirty) > 0 {
			e.lanes.markDirty(e.orgOf, dirty...)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (e *Engine) orgOf(hookID int64) int64 {
	if s := e.q.Subscription(hookID); s != nil {
		return s.OrgID
	}
	return 0
}

func (e *Engine) pokeClaimer() {
	select {
	case e.claimPoke <- struct{}{}:
	default:
	}
}

// work sends deliveries until the lanes close.
func (e *Engine) work(ctx context.Context) {
	for {
		d := e.lanes.take()
		if d == nil {
			return
		}
		sub := e.q.Subscription(d.WebhookID)
		if sub == nil {
			// Disabled or deleted since it was leased: its deliveries
			// were failed with it.
			if e.lanes.done(d, nil) {
				e.pokeClaimer()
			}
			continue
		}
		timeout := time.Duration(sub.TimeoutSeconds) * time.Second
		if d.LeaseUntil.Sub(e.now()) < timeout+e.cfg.LeaseMargin/2 {
			// Too late to finish inside the lease: another node may take
			// it soon. Give it back rather than risk two sends.
			if err := e.q.Release(ctx, []*porter.QueuedDelivery{d}); err != nil {
				e.log.Warn("delivery: give back a late delivery", "delivery", d.ID, "err", err)
			}
			e.lanes.done(d, nil)
			continue
		}
		r := e.send(ctx, d, sub)
		e.metrics.attempted(r)
		if e.lanes.done(d, r) || (e.starved.Load() && e.lanes.roomy()) {
			e.pokeClaimer()
		}
		e.results <- r
	}
}

// record stores results in batches until the results channel closes. A
// batch that fails is retried: the attempts happened and are kept.
func (e *Engine) record() {
	backoff := newBackoff()
	var batch []*porter.Result
	for r := range e.results {
		batch = append(batch[:0], r)
	fill:
		for len(batch) < e.cfg.Batch {
			select {
			case r, ok := <-e.results:
				if !ok {
					break fill
				}
				batch = append(batch, r)
			default:
				break fill
			}
		}
		for attempt := 0; ; attempt++ {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			fx, err := e.q.Record(ctx, batch)
			cancel()
			if err == nil {
				backoff.reset()
				e.apply(fx)
				break
			}
			e.log.Warn("delivery: record attempts", "n", len(batch), "err", err)
			if attempt >= 20 {
				// The leases will lapse and the deliveries be sent again:
				// at-least-once holds; only these attempts' log is lost.
				e.log.Error("delivery: giving up recording attempts", "n", len(batch), "err", err)
				break
			}
			backoff.wait(context.Background())
		}
	}
}

func (e *Engine) apply(fx *porter.Effects) {
	e.metrics.recorded(fx)
	// Queued deliveries of a disabled webhook were failed with it.
	e.lanes.drop(fx.Disabled)
	// Those of a webhook whose circuit is open go back to wait for its
	// probe, holding no worker here.
	if held := e.lanes.drop(fx.Held); len(held) > 0 {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		err := e.q.Release(ctx, held)
		cancel()
		if err != nil {
			// Their leases lapse instead; nothing is lost, only delayed.
			e.log.Warn("delivery: give back deliveries of an open circuit", "n", len(held), "err", err)
		}
	}
	if len(fx.RetryAt) > 0 {
		e.retries.add(fx.RetryAt...)
	}
	if due := append(fx.Due, fx.Released...); len(due) > 0 {
		e.lanes.markDirty(e.orgOf, due...)
		e.pokeClaimer()
	}
}

// pruneLoop deletes finished deliveries and attempts past Retention, a
// batch per transaction so that no write waits long behind it.
func (e *Engine) pruneLoop(ctx context.Context) {
	tick := time.NewTicker(e.cfg.PruneInterval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		for ctx.Err() == nil {
			n, err := e.q.Prune(ctx, e.now().Add(-e.cfg.Retention), e.cfg.PruneBatch)
			if err != nil {
				if ctx.Err() == nil && !errors.Is(err, context.Canceled) {
					e.log.Warn("delivery: prune", "err", fmt.Errorf("prune: %w", err))
				}
				break
			}
			if n == 0 {
				break
			}
		}
	}
}

// backoff waits longer after each failure in a row, up to 5 s.
type backoff struct{ d time.Duration }

func newBackoff() *backoff { return &backoff{d: 50 * time.Millisecond} }
func (b *backoff) reset()  { b.d = 50 * time.Millisecond }

func (b *backoff) wait(ctx context.Context) bool {
	t := time.NewTimer(b.d)
	defer t.Stop()
	b.d = min(2*b.d, 5*time.Second)
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
