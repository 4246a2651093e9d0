// Package mqtt holds the MQTT subscriptions of bms and iot integrations:
// one broker connection per enabled integration with a subscription,
// held by one node at a time, feeding every message into the same
// mapping, apply path and integration log as the /hooks receiver.
package mqtt

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"porter"
	"porter/webhook"
)

// Defaults.
const (
	// DefaultPoll is how often a Subscriber reads the integrations table
	// (picking up created, edited and disabled integrations) and renews
	// its leases.
	DefaultPoll = 5 * time.Second
	// DefaultLease is how long a node holds a subscription without
	// renewing it: the longest a dead node's subscriptions go unheld.
	DefaultLease = 30 * time.Second
	// DefaultDownAfter is Config.DownAfter's default.
	DefaultDownAfter = time.Minute
)

// Config configures a Subscriber.
type Config struct {
	// Node names this node in subscription leases; unique per process.
	Node string
	// Guard is what broker connections dial through (the SSRF guard of
	// webhook deliveries), so that a name rebound to a forbidden address
	// after registration is still refused.
	Guard        *webhook.Guard
	Poll         time.Duration // DefaultPoll when 0
	Lease        time.Duration // DefaultLease when 0
	Logger       *slog.Logger
	MaxReconnect time.Duration // the longest wait between reconnection attempts; 1 minute when 0
	// DownAfter (DefaultDownAfter when 0) is how long a broker connection
	// may be down, not yet subscribed or lost, before its integration
	// turns to error: a broker restarting is not worth a page.
	DownAfter time.Duration
}

// Subscriber runs the subscriptions this node holds.
type Subscriber struct {
	svc   *porter.Service
	cfg   Config
	mu    sync.Mutex
	conns map[int64]*connection // by integration id
}

// New returns a Subscriber; Run starts it.
func New(svc *porter.Service, cfg Config) *Subscriber {
	if cfg.Poll <= 0 {
		cfg.Poll = DefaultPoll
	}
	if cfg.Lease <= 0 {
		cfg.Lease = DefaultLease
	}
	if cfg.Lease < 2*cfg.Poll {
		cfg.Lease = 2 * cfg.Poll // a lease must outlive the renewal that keeps it
	}
	if cfg.MaxReconnect <= 0 {
		cfg.MaxReconnect = time.Minute
	}
	if cfg.DownAfter <= 0 {
		cfg.DownAfter = DefaultDownAfter
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Guard == nil {
		cfg.Guard = &webhook.Guard{}
	}
	return &Subscriber{svc: svc, cfg: cfg, conns: map[int64]*connection{}}
}

// Run holds this node's subscriptions until ctx ends, then disconnects
// them, finishing the messages already received, and gives their leases
// up so that another node takes them at once.
func (s *Subscriber) Run(ctx context.Context) {
	tick := time.NewTicker(s.cfg.Poll)
	defer tick.Stop()
	for {
		s.sync(ctx)
		select {
		case <-ctx.Done():
			s.stopAll()
			return
		case <-tick.C:
		}
	}
}

// Holding lists the integrations whose subscription this node holds and
// is connected for.
func (s *Subscriber) Holding() []int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	var ids []int64
	for id, c := range s.conns {
		if c.connected() {
			ids = append(ids, id)
		}
	}
	return ids
}

// sync brings the running connections in line with the table: start
// those this node may hold, restart those whose settings changed, stop
// those disabled, deleted or held by another node.
func (s *Subscriber) sync(ctx context.Context) {
	subs, err := s.svc.MQTTSubscriptions(ctx)
	if err != nil {
		if ctx.Err() == nil {
			s.cfg.Logger.Warn("mqtt: list subscriptions", "err", err)
		}
		return
	}
	want := map[int64]bool{}
	for _, sub := range subs {
		if ctx.Err() != nil {
			return
		}
		ok, err := s.svc.ClaimMQTTSubscription(ctx, sub.OrgID, sub.IntegrationID, s.cfg.Node, s.cfg.Lease)
		if err != nil {
			if ctx.Err() == nil {
				s.cfg.Logger.Warn("mqtt: claim subscription", "integration", sub.IntegrationID, "err", err)
			}
			// Unknown: keep what runs; the lease lapses if this persists.
			if s.running(sub.IntegrationID) {
				want[sub.IntegrationID] = true
			}
			continue
		}
		if !ok {
			continue // another node holds it
		}
		want[sub.IntegrationID] = true
		s.mu.Lock()
		c := s.conns[sub.IntegrationID]
		s.mu.Unlock()
		if c != nil && c.sub.Same(sub) {
			continue
		}
		if c != nil {
			s.cfg.Logger.Info("mqtt: subscription changed; reconnecting", "integration", sub.IntegrationID)
			c.stop()
		}
		c = newConnection(s, sub)
		s.mu.Lock()
		s.conns[sub.IntegrationID] = c
		s.mu.Unlock()
		c.start()
	}
	s.mu.Lock()
	var drop []*connection
	for id, c := range s.conns {
		if !want[id] {
			drop = append(drop, c)
			delete(s.conns, id)
		}
	}
	s.mu.Unlock()
	for _, c := range drop {
		s.cfg.Logger.Info("mqtt: subscription no longer held here; disconnecting", "integration", c.sub.IntegrationID)
		c.stop()
		s.release(c)
	}
}

func (s *Subscriber) running(id int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conns[id] != nil
}

func (s *Subscriber) release(c *connection) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.svc.ReleaseMQTTSubscription(ctx, c.sub.OrgID, c.sub.IntegrationID, s.cfg.Node); err != nil {
		s.cfg.Logger.Warn("mqtt: release subscription", "integration", c.sub.IntegrationID, "err", err)
	}
}

func (s *Subscriber) stopAll() {
	s.mu.Lock()
	conns := s.conns
	s.conns = map[int64]*connection{}
	s.mu.Unlock()
	var wg sync.WaitGroup
	for _, c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.stop()
			s.release(c)
		}()
	}
	wg.Wait()
}
