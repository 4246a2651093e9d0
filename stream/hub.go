// Package stream fans committed events out to live subscribers: the
// Server-Sent Events of GET /v1/events/stream, which `porter listen` reads.
//
// One Hub per node reads the outbox after each commit that recorded
// events (PostgreSQL relays the wake-up between nodes with LISTEN/NOTIFY)
// and hands each event to the subscribers of its organization. A
// subscriber's buffer is bounded: one that falls behind is dropped with a
// reason, so a slow client never holds up the hub, let alone a writer.
package stream

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"porter"
)

// Defaults for a Hub's knobs.
const (
	DefaultBuffer    = 1024
	DefaultMaxPerOrg = 100
	// DefaultPoll reads the outbox even without a wake-up, in case one was
	// lost (a PostgreSQL listener reconnecting).
	DefaultPoll = time.Second
	// DefaultGapWait is how long a sequence number skipped by a later
	// commit is waited for: on PostgreSQL a number is taken before its
	// transaction commits, so a later one can commit first.
	DefaultGapWait = 30 * time.Second
	batch          = 1000
	maxGaps        = 10000
	// seedWindow is how far below the last committed number a hub that
	// wakes up looks for numbers still in flight.
	seedWindow = 256
)

// ErrTooMany is returned when an organization already has its share of
// stream connections on this node.
var ErrTooMany = errors.New("too many event streams for this organization")

// Hub is one node's fan-out of committed events to live subscribers.
type Hub struct {
	feed   porter.EventFeed
	logger *slog.Logger

	Buffer    int           // events a subscriber may have unread before it is dropped
	MaxPerOrg int           // subscribers per organization on this node
	Poll      time.Duration // outbox read without a wake-up
	GapWait   time.Duration

	mu      sync.Mutex
	subs    map[int64]map[*Sub]struct{} // by organization
	n       int                         // subscribers
	active  bool                        // last is current: the hub reads while anyone listens
	last    int64                       // highest sequence number read
	gaps    map[int64]time.Time
	stopped bool
	now     func() time.Time
}

// NewHub returns a hub over feed; Run starts it.
func NewHub(feed porter.EventFeed, logger *slog.Logger) *Hub {
	if logger == nil {
		logger = slog.Default()
	}
	return &Hub{feed: feed, logger: logger, Buffer: DefaultBuffer, MaxPerOrg: DefaultMaxPerOrg,
		Poll: DefaultPoll, GapWait: DefaultGapWait, subs: map[int64]map[*Sub]struct{}{},
		gaps: map[int64]time.Time{}, now: time.Now}
}

// Feed is what the hub reads, for callers that replay history.
func (h *Hub) Feed() porter.EventFeed { return h.feed }

// Sub is one live subscriber: the events of one organization that its
// match accepts, in the order the hub reads them.
type Sub struct {
	org    int64
	match  func(*porter.Event) bool
	c      chan *Frame
	done   chan struct{}
	reason string // why the hub dropped it; set before done closes
}

// Events delivers the subscriber's events.
func (s *Sub) Events() <-chan *Frame { return s.c }

// Frame is one event as every subscriber gets it: encoded once, however
// many streams send it.
type Frame struct {
	*porter.Event
	once sync.Once
	b    []byte
	err  error
}

// SSE is the event as a Server-Sent Events message: id, event and the
// envelope a webhook delivery sends as data.
func (f *Frame) SSE() ([]byte, error) {
	f.once.Do(func() { f.b, f.err = EncodeSSE(f.Event) })
	return f.b, f.err
}

// EncodeSSE writes e as a Server-Sent Events message.
func EncodeSSE(e *porter.Event) ([]byte, error) {
	body, err := json.Marshal(e)
	if err != nil {
		return nil, fmt.Errorf("encode event %s: %w", e.ID(), err)
	}
	b := make([]byte, 0, len(body)+len(e.Type)+64)
	b = append(b, "id: "...)
	b = append(b, e.ID()...)
	b = append(b, "\nevent: "...)
	b = append(b, e.Type...)
	b = append(b, "\ndata: "...)
	b = append(b, body...)
	return append(b, "\n\n"...), nil
}

// Done is closed when the hub drops the subscriber; Reason says why.
func (s *Sub) Done() <-chan struct{} { return s.done }

// Reason is why the hub dropped the subscriber, once Done is closed.
func (s *Sub) Reason() string { return s.reason }

// Subscribe registers a subscriber for org's events that match accepts.
// Events committed after it returns reach it (and perhaps some before:
// from is the highest sequence number the hub had read, so a caller that
// replays history up to now skips live events at or below what it sent).
func (h *Hub) Subscribe(ctx context.Context, org int64, match func(*porter.Event) bool) (sub *Sub, from int64, err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.stopped {
		return nil, 0, errors.New("the server is shutting down")
	}
	if h.MaxPerOrg > 0 && len(h.subs[org]) >= h.MaxPerOrg {
		return nil, 0, fmt.Errorf("%w: %d on this node", ErrTooMany, h.MaxPerOrg)
	}
	if !h.active {
		// The hub was idle: start from what has committed, and wait for
		// the numbers below it still in flight.
		if err := h.activate(ctx); err != nil {
			return nil, 0, err
		}
	}
	sub = &Sub{org: org, match: match, c: make(chan *Frame, max(h.Buffer, 1)), done: make(chan struct{})}
	if h.subs[org] == nil {
		h.subs[org] = map[*Sub]struct{}{}
	}
	h.subs[org][sub] = struct{}{}
	h.n++
	return sub, h.last, nil
}

// activate reads where the outbox is; h.mu is held.
func (h *Hub) activate(ctx context.Context) error {
	last, err := h.feed.LastEventSeq(ctx)
	if err != nil {
		return fmt.Errorf("subscribe: %w", err)
	}
	lo := max(last-seedWindow, 0)
	evs, err := h.feed.EventsAfter(ctx, 0, lo, nil, seedWindow)
	if err != nil {
		return fmt.Errorf("subscribe: %w", err)
	}
	seen := make(map[int64]bool, len(evs))
	for _, e := range evs {
		seen[e.Seq] = true
	}
	clear(h.gaps)
	now := h.now()
	for s := lo + 1; s <= last; s++ {
		if !seen[s] {
			h.gaps[s] = now
		}
	}
	h.last, h.active = last, true
	return nil
}

// Unsubscribe removes sub; it is safe to call more than once.
func (h *Hub) Unsubscribe(sub *Sub) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.drop(sub, "")
}

// drop removes sub, telling it why; h.mu is held.
func (h *Hub) drop(sub *Sub, reason string) {
	if _, ok := h.subs[sub.org][sub]; !ok {
		return
	}
	delete(h.subs[sub.org], sub)
	if len(h.subs[sub.org]) == 0 {
		delete(h.subs, sub.org)
	}
	h.n--
	sub.reason = reason
	close(sub.done)
	if h.n == 0 {
		h.active = false
	}
}

// Subscribers counts the live subscribers, for metrics and tests.
func (h *Hub) Subscribers() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.n
}

// Run reads and fans out events until ctx ends, then drops every
// subscriber so that their connections end.
func (h *Hub) Run(ctx context.Context) {
	watch := h.feed.WatchQueue(ctx)
	tick := time.NewTicker(h.Poll)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			h.Stop()
			return
		case <-watch.Events:
		case <-tick.C:
		}
		if err := h.pump(ctx); err != nil && ctx.Err() == nil {
			h.logger.Warn("event stream: read the outbox", "err", err)
		}
	}
}

// Stop drops every subscriber; later subscriptions are refused.
func (h *Hub) Stop() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.stopped = true
	for _, subs := range h.subs {
		for sub := range subs {
			h.drop(sub, "the server is shutting down; reconnect with Last-Event-ID")
		}
	}
}

// pump reads what committed since the last read and hands it out.
func (h *Hub) pump(ctx context.Context) error {
	for {
		h.mu.Lock()
		if !h.active {
			h.mu.Unlock()
			return nil
		}
		last, also := h.last, h.pendingGaps()
		h.mu.Unlock()
		evs, err := h.feed.EventsAfter(ctx, 0, last, also, batch)
		if err != nil {
			return err
		}
		h.mu.Lock()
		// A subscriber may have woken an idle hub meanwhile: what was read
		// from the old position is stale, and the next pass reads anew.
		if h.active && h.last == last {
			h.fanOut(evs)
		}
		h.mu.Unlock()
		if len(evs) < batch {
			return nil
		}
	}
}

// pendingGaps lists the skipped numbers still waited for, forgetting those
// waited for too long (a rolled-back transaction never fills its number);
// h.mu is held.
func (h *Hub) pendingGaps() []int64 {
	if len(h.gaps) == 0 {
		return nil
	}
	cut := h.now().Add(-h.GapWait)
	out := make([]int64, 0, len(h.gaps))
	for s, at := range h.gaps {
		if at.Before(cut) {
			delete(h.gaps, s)
			continue
		}
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}

// fanOut hands evs to their subscribers and moves the read position;
// h.mu is held.
func (h *Hub) fanOut(evs []*porter.Event) {
	now := h.now()
	for _, e := range evs {
		f := &Frame{Event: e}
		if _, ok := h.gaps[e.Seq]; ok {
			delete(h.gaps, e.Seq)
		} else if e.Seq > h.last {
			for s := h.last + 1; s < e.Seq && len(h.gaps) < maxGaps; s++ {
				h.gaps[s] = now
			}
			h.last = e.Seq
		}
		for sub := range h.subs[e.OrgID] {
			if !sub.match(e) {
				continue
			}
			select {
			case sub.c <- f:
			default:
				h.drop(sub, fmt.Sprintf("the client is too slow: %d events waited unread; reconnect with Last-Event-ID to resume", cap(sub.c)))
			}
		}
	}
}
