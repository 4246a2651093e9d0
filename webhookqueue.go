package porter

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// WebhookQueue is the transactional half of webhook delivery: it fans the
// outbox out to matching subscriptions, leases due deliveries, and records
// attempts with what follows from them (retries, failure events, admin
// alerts, disabling a webhook), each step one transaction on the store. The
// delivery engine (package delivery) does the sending.
type WebhookQueue struct {
	svc  *Service
	Node string // lease owner: this node's name

	NewAttemptID         func() string // the X-PM-Delivery ids
	DisableAfterFailures int           // consecutive failed deliveries that disable a webhook
	DisableAfter         time.Duration // failing this long disables a webhook
	MaxRetryAfter        time.Duration // the longest Retry-After honoured
	// Jitter lengthens a retry delay a little, so that retries of many
	// deliveries failed together do not arrive together again.
	Jitter func(time.Duration) time.Duration
	// Circuit opens a webhook's circuit when its endpoint stops answering.
	Circuit CircuitPolicy

	mu      sync.RWMutex
	loaded  bool
	version int64
	subs    map[int64]*Subscription              // enabled webhooks by id
	match   map[int64]map[string][]*Subscription // org -> canonical event -> subscriptions
}

// Defaults of a WebhookQueue.
const (
	DefaultDisableAfterFailures = 50
	DefaultDisableAfter         = 5 * 24 * time.Hour
	DefaultMaxRetryAfter        = time.Hour
)

// NewWebhookQueue returns the queue of svc's store, leasing as node.
func NewWebhookQueue(svc *Service, node string, newAttemptID func() string) *WebhookQueue {
	return &WebhookQueue{
		svc: svc, Node: node, NewAttemptID: newAttemptID, Circuit: DefaultCircuitPolicy(),
		DisableAfterFailures: DefaultDisableAfterFailures, DisableAfter: DefaultDisableAfter, MaxRetryAfter: DefaultMaxRetryAfter,
		Jitter: func(d time.Duration) time.Duration { return d + rand.N(d/10+1) },
	}
}

// Subscription is an enabled webhook as deliveries are sent to it, its
// secrets opened.
type Subscription struct {
	OrgID int64
	// OrgPublicID is the organization's public id: arkanpm's tenant_id.
	OrgPublicID string
	*Webhook
	// IntegrationID: a webhook an integration owns hears only the events
	// about that integration (its postings); 0 for every other.
	IntegrationID int64

	secret  string
	retired []retiredSecret // newest first
	// An ed25519 webhook's keys, parsed when the cache loads (secret and
	// retired are then empty).
	key         ed25519.PrivateKey
	retiredKeys []retiredKey
	openErr     error
}

// open unseals the webhook's secrets and keys.
func (s *Subscription) open(svc *Service, sealed WebhookSealedSecrets) error {
	var err error
	if len(sealed.Current) > 0 {
		if s.secret, err = svc.Secrets.Open(sealed.Current); err != nil {
			return fmt.Errorf("secret: %w", err)
		}
	}
	if s.retired, err = svc.openRetired(sealed); err != nil {
		return fmt.Errorf("retired secrets: %w", err)
	}
	if err := s.openKeys(); err != nil {
		return fmt.Errorf("keys: %w", err)
	}
	return nil
}

// OpenError is why the webhook's secrets could not be opened; nil when
// they were. Its attempts fail with it rather than go unsigned.
func (s *Subscription) OpenError() error { return s.openErr }

// Secrets are those that sign an attempt at now, newest first: the
// current one and each rotated out less than WebhookSecretOverlap ago.
func (s *Subscription) Secrets(now time.Time) []string {
	var out []string
	if s.secret != "" {
		out = append(out, s.secret)
	}
	for _, r := range liveRetired(s.retired, now) {
		out = append(out, r.Secret)
	}
	return out
}

// Subscription returns an enabled webhook, or nil.
func (q *WebhookQueue) Subscription(id int64) *Subscription {
	q.mu.RLock()
	defer q.mu.RUnlock()
	return q.subs[id]
}

// Subscriptions returns every enabled webhook.
func (q *WebhookQueue) Subscriptions() []*Subscription {
	q.mu.RLock()
	defer q.mu.RUnlock()
	out := make([]*Subscription, 0, len(q.subs))
	for _, s := range q.subs {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Refresh reloads the subscriptions if any webhook changed.
func (q *WebhookQueue) Refresh(ctx context.Context) error {
	return q.svc.Store.UpdateQueue(ctx, func(tx QueueTx) error { return q.refresh(ctx, tx) })
}

// refresh reloads the subscriptions when any webhook changed since they
// were loaded.
func (q *WebhookQueue) refresh(ctx context.Context, tx QueueTx) error {
	v, err := tx.WebhookConfigVersion(ctx)
	if err != nil {
		return err
	}
	q.mu.RLock()
	fresh := q.loaded && q.version == v
	q.mu.RUnlock()
	if fresh {
		return nil
	}
	hooks, err := tx.EnabledWebhooks(ctx)
	if err != nil {
		return err
	}
	subs := make(map[int64]*Subscription, len(hooks))
	match := map[int64]map[string][]*Subscription{}
	for _, h := range hooks {
		s := &Subscription{OrgID: h.OrgID, OrgPublicID: h.OrgPublicID, Webhook: h.Webhook, IntegrationID: h.Webhook.IntegrationOf()}
		// A webhook whose secrets cannot be opened (sealed under another
		// PORTER_SECRET_KEY) still gets its deliveries, each attempt failing
		// with the reason, so that none is lost and a fixed key delivers
		// them on retry; it must never stop the fan-out of every other.
		if err := s.open(q.svc, h.Sealed); err != nil {
			s.openErr = fmt.Errorf("the webhook's signing secret cannot be decrypted with this server's secret key (PORTER_SECRET_KEY); rotate the secret or restore the key: %w", err)
			q.svc.Logger.Error("webhook secret cannot be opened; its deliveries fail until it is fixed", "webhook", h.ID, "org", h.OrgID, "err", err)
		}
		subs[h.ID] = s
		byEvent := match[h.OrgID]
		if byEvent == nil {
			byEvent = map[string][]*Subscription{}
			match[h.OrgID] = byEvent
		}
		seen := map[string]bool{}
		for _, p := range h.Events {
			names, _ := ExpandEventPattern(p)
			for _, n := range names {
				if !seen[n] {
					seen[n] = true
					byEvent[n] = append(byEvent[n], s)
				}
			}
		}
	}
	q.mu.Lock()
	q.subs, q.match, q.version, q.loaded = subs, match, v, true
	q.mu.Unlock()
	return nil
}

// Admit decides, during a fan-out, whether this node takes a fresh
// delivery to sub at once (and until when its lease runs); false leaves it
// due in the queue for any node.
type Admit func(sub *Subscription) (leaseUntil time.Time, ok bool)

// FanOut turns up to limit outbox events into deliveries to every enabled
// webhook whose events match, in one transaction with marking the events
// done: a crash at any point leaves either both or neither. It returns the
// deliveries leased to this node, ready to send, and how many events it
// took (fewer than limit: the outbox is drained).
func (q *WebhookQueue) FanOut(ctx context.Context, limit int, admit Admit) (leased []*QueuedDelivery, events int, err error) {
	err = q.svc.Store.UpdateQueue(ctx, func(tx QueueTx) error {
		leased, events = nil, 0
		// Events first, subscriptions second: under READ COMMITTED each
		// statement sees a newer snapshot, so every webhook committed
		// before an event it matches is in the cache by the time the event
		// is fanned out. The other order let a webhook and an event that
		// both committed between the two reads miss each other.
		evs, err := tx.OutboxEvents(ctx, limit)
		if err != nil {
			return err
		}
		events = len(evs)
		if len(evs) == 0 {
			return nil
		}
		if err := q.refresh(ctx, tx); err != nil {
			return err
		}
		// A webhook whose circuit is open gets its deliveries queued to
		// wait for the probe, never leased here.
		circuits, err := tx.OpenCircuits(ctx, nil)
		if err != nil {
			return err
		}
		var ds []*QueuedDelivery
		var dsubs []*Subscription
		ordered := map[int64][]*QueuedDelivery{}
		now := q.svc.Now()
		q.mu.RLock()
		for _, e := range evs {
			// Each event goes out under its own name and, to webhooks
			// subscribed to the per-model sync event it feeds (seed 001),
			// as that: the same event id, reshaped.
			for _, as := range [2]string{e.Type, syncTarget(e)} {
				subs := q.match[e.OrgID][as]
				if as == "" || len(subs) == 0 {
					continue
				}
				body, err := EventBody(e, as)
				if err != nil {
					q.mu.RUnlock()
					return fmt.Errorf("fan out %s: %w", e.ID(), err)
				}
				for _, s := range subs {
					// A webhook hears what happens from its creation on, not
					// what the outbox still held when it was made.
					if e.FiredAt.Before(s.CreatedAt) {
						continue
					}
					// An integration's own webhook hears only its postings.
					if s.IntegrationID != 0 && (e.ResourceType != "integration" || e.ResourceID != s.IntegrationID) {
						continue
					}
					d := &QueuedDelivery{OrgID: e.OrgID, WebhookID: s.ID, EventSeq: e.Seq, EventID: e.ID(), EventType: as, Body: body, CreatedAt: now}
					if s.Ordered {
						d.ResourceKey = e.ResourceType + ":" + strconv.FormatInt(e.ResourceID, 10)
						ordered[s.ID] = append(ordered[s.ID], d)
					}
					ds, dsubs = append(ds, d), append(dsubs, s)
				}
			}
		}
		q.mu.RUnlock()
		// An ordered delivery may start now only when nothing earlier
		// about its resource is pending: not in the queue, not before it
		// in this batch.
		blocked := map[*QueuedDelivery]bool{}
		for hookID, list := range ordered {
			keys := make([]string, 0, len(list))
			for _, d := range list {
				keys = append(keys, d.ResourceKey)
			}
			pending, err := tx.PendingResources(ctx, hookID, keys)
			if err != nil {
				return err
			}
			for _, d := range list {
				if pending[d.ResourceKey] {
					blocked[d] = true
				}
				pending[d.ResourceKey] = true
			}
		}
		due := false
		for i, d := range ds {
			if blocked[d] {
				due = true
				continue
			}
			if h := circuits[d.WebhookID]; h != nil {
				if until, ok := h.Circuit.HoldUntil(); ok && until.After(now) {
					d.DueAt = until
				} else {
					due = true // the probe may go now: the claimer sends it
				}
				continue
			}
			if until, ok := admit(dsubs[i]); ok {
				d.LeaseToken, d.LeaseUntil, d.Attempt = q.NewAttemptID(), until, 1
				leased = append(leased, d)
			} else {
				due = true
			}
		}
		if err := tx.InsertDeliveries(ctx, q.Node, ds); err != nil {
			return err
		}
		if due {
			if err := tx.NotifyDue(ctx); err != nil {
				return err
			}
		}
		return tx.MarkFannedOut(ctx, evs)
	})
	if err != nil {
		return nil, 0, fmt.Errorf("fan out: %w", err)
	}
	return leased, events, nil
}

// Claim leases due deliveries, as many per webhook as each want asks.
// Wants for webhooks no longer enabled are dropped.
func (q *WebhookQueue) Claim(ctx context.Context, wants []ClaimWant) ([]*QueuedDelivery, error) {
	var out []*QueuedDelivery
	err := q.svc.Store.UpdateQueue(ctx, func(tx QueueTx) error {
		if err := q.refresh(ctx, tx); err != nil {
			return err
		}
		live := wants[:0:0]
		for _, w := range wants {
			if w.N > 0 && q.Subscription(w.WebhookID) != nil {
				live = append(live, w)
			}
		}
		if len(live) == 0 {
			out = nil
			return nil
		}
		now := q.svc.Now()
		live, probes, err := q.circuitWants(ctx, tx, now, live)
		if err != nil || len(live) == 0 {
			out = nil
			return err
		}
		out, err = tx.ClaimDeliveries(ctx, q.Node, now, live, q.NewAttemptID)
		if err != nil {
			return err
		}
		return q.startProbes(ctx, tx, out, probes)
	})
	if err != nil {
		return nil, fmt.Errorf("claim deliveries: %w", err)
	}
	return out, nil
}

// circuitWants trims wants to what the webhooks' circuits allow: nothing
// while one is open, a single probe once its cool-down is over. Deliveries
// of a circuit not yet probed are made to wait for it, so that they leave
// every node's view of what is due.
func (q *WebhookQueue) circuitWants(ctx context.Context, tx QueueTx, now time.Time, wants []ClaimWant) ([]ClaimWant, map[int64]*WebhookHealth, error) {
	ids := make([]int64, len(wants))
	for i, w := range wants {
		ids[i] = w.WebhookID
	}
	open, err := tx.OpenCircuits(ctx, ids)
	if err != nil || len(open) == 0 {
		return wants, nil, err
	}
	probes := map[int64]*WebhookHealth{}
	out := wants[:0:0]
	for _, w := range wants {
		h := open[w.WebhookID]
		switch {
		case h == nil:
			out = append(out, w)
		case h.Circuit.ProbeDue(now):
			w.N = 1
			probes[w.WebhookID] = h
			out = append(out, w)
		default:
			until, _ := h.Circuit.HoldUntil()
			if err := tx.HoldDeliveries(ctx, w.WebhookID, until); err != nil {
				return nil, nil, err
			}
		}
	}
	return out, probes, nil
}

// startProbes half-opens the circuits whose probe was leased: the rest of
// their deliveries wait until the probe's lease lapses, or it answers.
func (q *WebhookQueue) startProbes(ctx context.Context, tx QueueTx, leased []*QueuedDelivery, probes map[int64]*WebhookHealth) error {
	var changed []*WebhookHealth
	for _, d := range leased {
		h := probes[d.WebhookID]
		if h == nil {
			continue
		}
		delete(probes, d.WebhookID)
		d.Probe = true
		h.Circuit.StartProbe(d.LeaseToken, d.LeaseUntil)
		changed = append(changed, h)
		if err := tx.HoldDeliveries(ctx, d.WebhookID, d.LeaseUntil); err != nil {
			return err
		}
	}
	return tx.SetWebhookHealth(ctx, changed)
}

// Release gives back leased deliveries never attempted (a draining node's
// queue), due at once for any node, or, if their webhook's circuit is
// open, when it may be probed.
func (q *WebhookQueue) Release(ctx context.Context, ds []*QueuedDelivery) error {
	if len(ds) == 0 {
		return nil
	}
	return q.svc.Store.UpdateQueue(ctx, func(tx QueueTx) error {
		if err := tx.ReleaseDeliveries(ctx, q.svc.Now(), ds); err != nil {
			return err
		}
		var ids []int64
		seen := map[int64]bool{}
		for _, d := range ds {
			if !seen[d.WebhookID] {
				seen[d.WebhookID] = true
				ids = append(ids, d.WebhookID)
			}
		}
		open, err := tx.OpenCircuits(ctx, ids)
		if err != nil {
			return err
		}
		for id, h := range open {
			if until, ok := h.Circuit.HoldUntil(); ok {
				if err := tx.HoldDeliveries(ctx, id, until); err != nil {
					return err
				}
			}
		}
		return tx.NotifyDue(ctx)
	})
}

// Prune deletes up to limit finished deliveries and attempts older than before.
func (q *WebhookQueue) Prune(ctx context.Context, before time.Time, limit int) (int, error) {
	var n int
	err := q.svc.Store.UpdateQueue(ctx, func(tx QueueTx) error {
		var err error
		n, err = tx.PruneDeliveries(ctx, before, limit)
		return err
	})
	return n, err
}

// Result is what one attempt came to, as the engine saw it.
type Result struct {
	Delivery *QueuedDelivery
	Attempt  *DeliveryAttempt
	// RetryAfter is the receiver's Retry-After on a 429 or 503; 0 if none.
	RetryAfter time.Duration
	// Outcome says whether the endpoint answered, for its circuit.
	Outcome Outcome
}

func (r *Result) succeeded() bool {
	s := r.Attempt.ResponseStatus
	return s != nil && *s >= 200 && *s < 300
}

func (r *Result) gone() bool {
	s := r.Attempt.ResponseStatus
	return s != nil && *s == 410
}

// Effects tell the engine what a record changed beyond the deliveries:
// webhooks disabled (send nothing more to them) and webhooks with
// deliveries newly due (an ordered delivery finished, so the next of its
// resource may start).
type Effects struct {
	Disabled []int64
	Due      []int64
	// Held are webhooks whose circuit is open: send nothing more to them
	// and give back what is queued. Released are those whose circuit just
	// closed: their held deliveries are due now.
	Held, Released []int64
	// Circuit transitions this record made.
	CircuitsOpened, CircuitsClosed int
	// What the recorded attempts came to; stale ones (lease lost) count nowhere.
	Succeeded, Retried, Failed int
	RetryAt                    []time.Time // when each retry is due: the engine wakes then, not at its next sweep
}

// Record stores finished attempts and moves each delivery on: succeeded,
// due again after its schedule's next delay (at least the receiver's
// Retry-After, capped), or failed once the schedule is spent. Failed
// deliveries record webhook.delivery_failed; a 410, too many consecutive
// failed deliveries or too long a failure disable the webhook
// (webhook.disabled), and admins hear by mail when a webhook starts
// failing and when it is disabled. All of it is one transaction.
func (q *WebhookQueue) Record(ctx context.Context, results []*Result) (*Effects, error) {
	var fx *Effects
	err := q.svc.Store.UpdateQueue(ctx, func(tx QueueTx) error {
		fx = &Effects{}
		if err := q.refresh(ctx, tx); err != nil {
			return err
		}
		now := q.svc.Now()
		recs := make([]*AttemptRecord, len(results))
		for i, r := range results {
			cleanAttempt(r.Attempt)
			recs[i] = q.decide(r, now)
		}
		applied, err := tx.RecordAttempts(ctx, now, recs)
		if err != nil {
			return err
		}
		return q.follow(ctx, tx, now, results, recs, applied, fx)
	})
	if err != nil {
		return nil, fmt.Errorf("record attempts: %w", err)
	}
	if len(fx.Disabled) > 0 {
		// Gone at once, not at the next reload: no claim may pick them up.
		q.mu.Lock()
		for _, id := range fx.Disabled {
			delete(q.subs, id)
		}
		q.loaded = false
		q.mu.Unlock()
	}
	return fx, nil
}

// decide is the state an attempt moves its delivery to.
func (q *WebhookQueue) decide(r *Result, now time.Time) *AttemptRecord {
	rec := &AttemptRecord{Delivery: r.Delivery, Attempt: r.Attempt}
	d := r.Delivery
	sub := q.Subscription(d.WebhookID)
	switch {
	case r.succeeded():
		rec.Status = DeliverySucceeded
		return rec
	case d.Test || r.gone() || sub == nil:
		rec.Status = DeliveryFailed
		return rec
	}
	step := d.Attempt - d.RetryFrom // attempts of this run so far, from 1
	if step < 1 || step > len(sub.RetrySchedule) {
		rec.Status = DeliveryFailed
		return rec
	}
	delay := time.Duration(sub.RetrySchedule[step-1]) * time.Second
	if q.Jitter != nil && delay > 0 {
		delay = q.Jitter(delay)
	}
	if ra := min(r.RetryAfter, q.MaxRetryAfter); ra > delay {
		delay = ra
	}
	next := now.Add(delay)
	rec.Status, rec.NextAttemptAt = DeliveryPending, &next
	return rec
}

// follow records what the applied attempts cause beyond their deliveries.
func (q *WebhookQueue) follow(ctx context.Context, tx QueueTx, now time.Time, results []*Result, recs []*AttemptRecord, applied []bool, fx *Effects) error {
	type change struct {
		orgID  int64
		reason string // a reason to disable, once found
	}
	var ids []int64
	touched := map[int64]*change{}
	due := map[int64]bool{}
	for i, rec := range recs {
		d := rec.Delivery
		if !applied[i] {
			continue
		}
		switch rec.Status {
		case DeliverySucceeded:
			fx.Succeeded++
		case DeliveryPending:
			fx.Retried++
			fx.RetryAt = append(fx.RetryAt, *rec.NextAttemptAt)
		default:
			fx.Failed++
		}
		if d.ResourceKey != "" && rec.Status != DeliveryPending {
			due[d.WebhookID] = true
		}
		if d.Test && !results[i].gone() {
			continue // a test says nothing about the webhook's health
		}
		if touched[d.WebhookID] == nil {
			touched[d.WebhookID] = &change{orgID: d.OrgID}
			ids = append(ids, d.WebhookID)
		}
		if results[i].gone() {
			touched[d.WebhookID].reason = "the endpoint answered 410 Gone"
		}
	}
	if len(ids) > 0 {
		health, err := tx.WebhookHealth(ctx, ids)
		if err != nil {
			return err
		}
		var changed []*WebhookHealth
		alerts := map[int64]bool{}
		released := map[int64]time.Time{} // circuits closed, and until when they held deliveries
		for i, rec := range recs {
			d := rec.Delivery
			if !applied[i] || d.Test {
				continue
			}
			h := health[d.WebhookID]
			if h == nil {
				h = &WebhookHealth{WebhookID: d.WebhookID}
				health[d.WebhookID] = h
			}
			before := *h
			wasHeld, _ := h.Circuit.HoldUntil()
			switch h.Circuit.Observe(q.Circuit, results[i].Outcome, d.LeaseToken, now) {
			case CircuitOpen:
				fx.CircuitsOpened++
			case CircuitClosed:
				fx.CircuitsClosed++
				if released[d.WebhookID].IsZero() {
					released[d.WebhookID] = wasHeld
				}
			}
			if rec.Status == DeliverySucceeded {
				h.ConsecutiveFailures, h.FailingSince = 0, nil
			} else {
				if h.FailingSince == nil {
					t := rec.Attempt.StartedAt
					h.FailingSince = &t
				}
				if rec.Status == DeliveryFailed {
					h.ConsecutiveFailures++
					if h.ConsecutiveFailures == 1 {
						alerts[d.WebhookID] = true
					}
					if err := q.deliveryFailed(ctx, tx.For(d.OrgID), now, rec); err != nil {
						return err
					}
				}
				c := touched[d.WebhookID]
				switch {
				case c.reason != "":
				case q.DisableAfterFailures > 0 && h.ConsecutiveFailures >= q.DisableAfterFailures:
					c.reason = fmt.Sprintf("%d consecutive deliveries failed", h.ConsecutiveFailures)
				case q.DisableAfter > 0 && now.Sub(*h.FailingSince) >= q.DisableAfter:
					c.reason = fmt.Sprintf("deliveries have failed since %s", h.FailingSince.UTC().Format(TimeLayout))
				}
			}
			if before.ConsecutiveFailures != h.ConsecutiveFailures || !sameTime(before.FailingSince, h.FailingSince) ||
				!sameCircuit(&before.Circuit, &h.Circuit) {
				changed = append(changed, h)
			}
		}
		if err := tx.SetWebhookHealth(ctx, dedupeHealth(changed)); err != nil {
			return err
		}
		for _, id := range ids {
			c := touched[id]
			if c.reason != "" {
				disabled, err := q.disable(ctx, tx.For(c.orgID), now, id, c.reason)
				if err != nil {
					return err
				}
				if disabled {
					fx.Disabled = append(fx.Disabled, id)
				}
				continue
			} else if alerts[id] {
				if err := q.alert(ctx, tx.For(c.orgID), now, id, "failing", ""); err != nil {
					return err
				}
			}
			if err := q.followCircuit(ctx, tx, now, health[id], released, fx); err != nil {
				return err
			}
		}
	}
	for id := range due {
		fx.Due = append(fx.Due, id)
	}
	if len(fx.Due) > 0 {
		return tx.NotifyDue(ctx)
	}
	return nil
}

// followCircuit holds a webhook's deliveries while its circuit is open,
// this attempt's retry among them, and releases them when it closes.
func (q *WebhookQueue) followCircuit(ctx context.Context, tx QueueTx, now time.Time, h *WebhookHealth, released map[int64]time.Time, fx *Effects) error {
	if h == nil {
		return nil
	}
	if until, ok := h.Circuit.HoldUntil(); ok {
		fx.Held = append(fx.Held, h.WebhookID)
		return tx.HoldDeliveries(ctx, h.WebhookID, until)
	}
	if held, ok := released[h.WebhookID]; ok {
		fx.Released = append(fx.Released, h.WebhookID)
		if !held.IsZero() {
			if err := tx.ReleaseHeld(ctx, h.WebhookID, held, now); err != nil {
				return err
			}
		}
		return tx.NotifyDue(ctx)
	}
	return nil
}

func sameCircuit(a, b *Circuit) bool {
	return a.State == b.State && a.Failures == b.Failures && a.Opens == b.Opens && a.ProbeToken == b.ProbeToken &&
		sameTime(a.OpenedAt, b.OpenedAt) && sameTime(a.ProbeAt, b.ProbeAt)
}

func sameTime(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b)
}

// dedupeHealth keeps one row per webhook (the pointers repeat).
func dedupeHealth(hs []*WebhookHealth) []*WebhookHealth {
	seen := map[*WebhookHealth]bool{}
	out := hs[:0:0]
	for _, h := range hs {
		if !seen[h] {
			seen[h] = true
			out = append(out, h)
		}
	}
	return out
}

// deliveryFailedData is webhook.delivery_failed's data.
type deliveryFailedData struct {
	ID             int64  `json:"id"` // the delivery's
	WebhookID      int64  `json:"webhook_id"`
	URL            string `json:"url"`
	Event          string `json:"event"`
	EventID        string `json:"event_id"`
	Attempts       int    `json:"attempts"`
	ResponseStatus *int   `json:"response_status"`
	Error          string `json:"error"`
}

// deliveryFailed records webhook.delivery_failed, except for the
// delivery of a webhook.delivery_failed: a failing endpoint subscribed to
// its own failures must not feed itself forever.
func (q *WebhookQueue) deliveryFailed(ctx context.Context, tx Tx, now time.Time, rec *AttemptRecord) error {
	d := rec.Delivery
	if d.EventType == "webhook.delivery_failed" {
		return nil
	}
	data := deliveryFailedData{ID: d.ID, WebhookID: d.WebhookID, URL: rec.Attempt.URL, Event: d.EventType, EventID: d.EventID,
		Attempts: d.Attempt, ResponseStatus: rec.Attempt.ResponseStatus, Error: rec.Attempt.Error}
	return record(ctx, tx, now.UTC().Truncate(time.Second), "webhook.delivery_failed", "webhook", d.WebhookID, data, nil)
}

// disable turns a webhook off for reason, fails its pending deliveries
// (recover sends them once it is enabled again), records webhook.disabled
// and alerts the admins. It reports false when the webhook was already
// disabled or deleted.
func (q *WebhookQueue) disable(ctx context.Context, tx Tx, now time.Time, id int64, reason string) (bool, error) {
	w, err := tx.WebhookForUpdate(ctx, id)
	if ErrorCode(err) == ENOTFOUND {
		return false, nil
	} else if err != nil {
		return false, err
	}
	if !w.Enabled {
		return false, nil
	}
	at := now.UTC().Truncate(time.Second)
	before := *w
	w.Enabled, w.DisabledReason, w.UpdatedAt = false, reason, at
	if err := tx.UpdateWebhook(ctx, w); err != nil {
		return false, err
	}
	if _, err := tx.FailPendingDeliveries(ctx, id, "webhook disabled: "+reason, now); err != nil {
		return false, err
	}
	if err := record(ctx, tx, at, "webhook.disabled", "webhook", id, w, &before); err != nil {
		return false, err
	}
	return true, q.alert(ctx, tx, now, id, "disabled", reason)
}

// alert mails the organization's admins about a webhook.
func (q *WebhookQueue) alert(ctx context.Context, tx Tx, now time.Time, id int64, what, reason string) error {
	w, err := tx.Webhook(ctx, id)
	if err != nil {
		return err
	}
	admins, err := tx.StaffList(ctx, StaffFilter{ListParams: ListParams{Page: 1, PerPage: MaxPerPage}, Role: "admin"})
	if err != nil {
		return err
	}
	var subject, body string
	switch what {
	case "failing":
		subject = fmt.Sprintf("Webhook deliveries to %s are failing", w.URL)
		body = fmt.Sprintf("A delivery to webhook %d (%s) has failed after every retry.\n\n"+
			"Porter keeps trying new events; after %d consecutive failed deliveries, or %s of failures, it disables the webhook.\n"+
			"See GET /v1/webhooks/%d/deliveries?status=failed, and replay with POST /v1/webhooks/%d/recover once the endpoint is fixed.\n",
			w.ID, w.URL, q.DisableAfterFailures, q.DisableAfter, w.ID, w.ID)
	default:
		subject = fmt.Sprintf("Webhook %s was disabled", w.URL)
		body = fmt.Sprintf("Porter disabled webhook %d (%s): %s.\n\n"+
			"Nothing more is sent to it. Enable it again with PATCH /v1/webhooks/%d {\"enabled\": true}, then send what it missed with POST /v1/webhooks/%d/recover.\n",
			w.ID, w.URL, reason, w.ID, w.ID)
	}
	for _, a := range admins.Items {
		if a.Email == "" {
			continue
		}
		m := &Message{Channel: "email", To: a.Email, Subject: subject, Body: body, Status: MessageQueued, CreatedAt: now.UTC().Truncate(time.Second)}
		if err := tx.InsertMessage(ctx, m); err != nil {
			return err
		}
	}
	return nil
}

// cleanAttempt makes what a receiver sent storable as text on every
// engine: valid UTF-8 and no NUL bytes (PostgreSQL's text holds neither).
func cleanAttempt(a *DeliveryAttempt) {
	a.ResponseBody, a.Error = cleanText(a.ResponseBody), cleanText(a.Error)
	for k, v := range a.ResponseHeaders {
		if c := cleanText(v); c != v {
			a.ResponseHeaders[k] = c
		}
	}
}

func cleanText(s string) string {
	if utf8.ValidString(s) && !strings.ContainsRune(s, 0) {
		return s
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "")
}
