package porter

import (
	"context"
	"sync"
	"time"
)

// QueuedDelivery is a delivery as the delivery engine works it: what to
// send, and the lease under which one node sends it.
type QueuedDelivery struct {
	ID        int64
	OrgID     int64
	WebhookID int64
	EventSeq  int64 // 0 for a test
	EventID   string
	EventType string
	// ResourceKey is "type:id" of the event's resource when the webhook is
	// ordered: a delivery waits for every earlier pending one with its key.
	ResourceKey string
	Test        bool
	Body        []byte // the request body, the same bytes on every attempt
	// Attempt is the number of the attempt leased (attempts started so
	// far, this one included); RetryFrom is the count when the retry
	// schedule last (re)started, so the schedule's step is Attempt-RetryFrom.
	Attempt    int
	RetryFrom  int
	LeaseToken string    // the leased attempt's id (X-PM-Delivery); "" when not leased
	LeaseUntil time.Time // when an unfinished attempt is given up for lost
	CreatedAt  time.Time
	// DueAt, when set on one inserted unleased, is when it is first due:
	// its webhook's circuit is open until then.
	DueAt time.Time
	Probe bool // the attempt leased is its webhook's half-open circuit probe
}

// ClaimWant asks for up to N due deliveries of one webhook, leased until LeaseUntil.
type ClaimWant struct {
	WebhookID  int64
	N          int
	LeaseUntil time.Time
}

// AttemptRecord is one finished attempt and the state its delivery moves to.
type AttemptRecord struct {
	Delivery      *QueuedDelivery
	Attempt       *DeliveryAttempt
	Status        string     // pending (a retry follows), succeeded or failed
	NextAttemptAt *time.Time // when pending
}

// WebhookHealth is a webhook's current run of failures and its circuit breaker.
type WebhookHealth struct {
	WebhookID           int64
	ConsecutiveFailures int        // failed deliveries since the last success
	FailingSince        *time.Time // first failed attempt since the last success
	Circuit             Circuit
}

// QueueWebhook is an enabled webhook as the queue loads it.
type QueueWebhook struct {
	OrgID       int64
	OrgPublicID string // the organization's public id (arkanpm's tenant_id)
	*Webhook
	Sealed WebhookSealedSecrets
}

// DeliveryStats describe the queue as a whole, for /metrics.
type DeliveryStats struct {
	Pending          int
	OldestPendingAt  *time.Time
	OpenCircuits     int // webhooks whose circuit is open
	HalfOpenCircuits int // webhooks whose circuit is probing
}

// QueueTx is one write transaction of the delivery engine. It spans
// organizations: fan-out, claims and records touch many at once. Every
// row it writes carries its organization, and For gives org-bound views of
// the same transaction for the events and mail it records.
type QueueTx interface {
	For(orgID int64) Tx

	// WebhookConfigVersion changes whenever any webhook row does (a
	// trigger counts), so nodes know when to reload subscriptions.
	WebhookConfigVersion(ctx context.Context) (int64, error)
	// EnabledWebhooks lists the enabled webhooks of every organization.
	EnabledWebhooks(ctx context.Context) ([]*QueueWebhook, error)

	// OutboxEvents returns up to limit events not yet fanned out, oldest
	// first. On PostgreSQL one transaction at a time takes them; another waits for it to end.
	OutboxEvents(ctx context.Context, limit int) ([]*Event, error)
	// MarkFannedOut records that events were fanned out.
	MarkFannedOut(ctx context.Context, events []*Event) error
	// PendingResources reports which of keys have a pending delivery to webhookID.
	PendingResources(ctx context.Context, webhookID int64, keys []string) (map[string]bool, error)
	// InsertDeliveries queues ds and sets their IDs. One with a LeaseToken
	// is inserted leased to owner, its first attempt started; the others
	// are due at once.
	InsertDeliveries(ctx context.Context, owner string, ds []*QueuedDelivery) error
	// ClaimDeliveries leases, for each want, up to N due deliveries of its
	// webhook, oldest due first, skipping those of an ordered webhook that
	// wait for an earlier delivery of their resource. Each gets a token
	// from token and counts an attempt.
	ClaimDeliveries(ctx context.Context, owner string, now time.Time, wants []ClaimWant, token func() string) ([]*QueuedDelivery, error)
	// RecordAttempts stores each attempt and moves its delivery to the new
	// state, if the delivery still holds the lease the attempt was made
	// under. applied[i] tells whether rs[i]'s delivery moved.
	RecordAttempts(ctx context.Context, now time.Time, rs []*AttemptRecord) (applied []bool, err error)
	// ReleaseDeliveries gives back leased deliveries whose attempt never
	// started: due at now, the attempt uncounted.
	ReleaseDeliveries(ctx context.Context, now time.Time, ds []*QueuedDelivery) error
	// WebhookHealth reads (on PostgreSQL, locks) the health of webhooks;
	// a webhook with no row is healthy and absent from the map.
	WebhookHealth(ctx context.Context, ids []int64) (map[int64]*WebhookHealth, error)
	SetWebhookHealth(ctx context.Context, hs []*WebhookHealth) error
	// OpenCircuits returns the health of the webhooks among ids whose
	// circuit is not closed (on PostgreSQL, locked); nil ids reads every
	// such webhook without locking.
	OpenCircuits(ctx context.Context, ids []int64) (map[int64]*WebhookHealth, error)
	// HoldDeliveries makes webhookID's pending deliveries that no node
	// holds wait until until: its circuit is open.
	HoldDeliveries(ctx context.Context, webhookID int64, until time.Time) error
	// ReleaseHeld makes webhookID's pending deliveries that wait past now
	// but no later than until (those its circuit held) due at now.
	ReleaseHeld(ctx context.Context, webhookID int64, until, now time.Time) error
	// NotifyDue tells every node, once the transaction commits, that
	// deliveries may be due.
	NotifyDue(ctx context.Context) error
	// PruneDeliveries deletes up to limit finished deliveries completed
	// before, and attempts started before; it returns the rows deleted.
	PruneDeliveries(ctx context.Context, before time.Time, limit int) (int, error)
}

// QueueStore is what the delivery engine needs of a store beyond Tx.
type QueueStore interface {
	// UpdateQueue runs fn in one write transaction across organizations.
	UpdateQueue(ctx context.Context, fn func(QueueTx) error) error
	// WatchQueue wakes the engine: Events after a commit that recorded
	// events, Deliveries after one that made deliveries due. PostgreSQL
	// relays both between nodes with LISTEN/NOTIFY.
	WatchQueue(ctx context.Context) QueueWatch
	DeliveryStats(ctx context.Context) (DeliveryStats, error)
	// DueWebhooks reads, among the oldest limit deliveries due at now,
	// how many each webhook has, oldest first. It takes no locks.
	DueWebhooks(ctx context.Context, now time.Time, limit int) ([]DueCount, error)
}

// DueCount is how many deliveries of one webhook are due.
type DueCount struct {
	WebhookID int64
	N         int
}

// QueueWatch is a pair of coalescing wake-up channels.
type QueueWatch struct {
	Events     <-chan struct{}
	Deliveries <-chan struct{}
}

// QueueSignals fans wake-ups out to watchers; each engine keeps one.
type QueueSignals struct {
	mu       sync.Mutex
	watchers map[*queueWatcher]struct{}
}

type queueWatcher struct{ events, deliveries chan struct{} }

// Watch returns channels that receive a value (coalesced) after each
// Signal, until ctx ends.
func (s *QueueSignals) Watch(ctx context.Context) QueueWatch {
	w := &queueWatcher{events: make(chan struct{}, 1), deliveries: make(chan struct{}, 1)}
	s.mu.Lock()
	if s.watchers == nil {
		s.watchers = map[*queueWatcher]struct{}{}
	}
	s.watchers[w] = struct{}{}
	s.mu.Unlock()
	context.AfterFunc(ctx, func() {
		s.mu.Lock()
		delete(s.watchers, w)
		s.mu.Unlock()
	})
	return QueueWatch{Events: w.events, Deliveries: w.deliveries}
}

// Signal wakes every watcher. It never blocks.
func (s *QueueSignals) Signal(events, deliveries bool) {
	if !events && !deliveries {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for w := range s.watchers {
		if events {
			poke(w.events)
		}
		if deliveries {
			poke(w.deliveries)
		}
	}
}

func poke(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}
