// Package stream fans committed events out to live subscribers: the
// Server-Sent Events of GET /v1/events/stream, which `porter listen` reads.
//
// One Hub per node reads the outbox after each commit that recorded
// events (PostgreSQL relays the wake-up between nodes with LISTEN/NOTIFY)
// and appends each event to its organization's log, which the
// organization's subscribers read at their own pace: an event is kept once
// however many read it, and a subscriber is woken once per read of the
// outbox, not once per event. How far behind a subscriber may fall is
// bounded: one that falls further is dropped with a reason, so a slow
// client never holds up the hub, let alone a writer.
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
	// DefaultCoalesce is the least time between two fan-outs. The first
	// event after a quiet spell goes out at once; under a stream of
	// commits, each subscriber is woken and written to at most 200 times
	// a second, whatever the commit rate.
	DefaultCoalesce = 5 * time.Millisecond
	batch           = 1000
	maxGaps         = 10000
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

	Buffer    int           // events of its organization a subscriber may have unread before it is dropped
	MaxPerOrg int           // subscribers per organization on this node
	Poll      time.Duration // outbox read without a wake-up
	GapWait   time.Duration
	Coalesce  time.Duration // least time between two fan-outs

	mu      sync.Mutex
	orgs    map[int64]*orgLog // organizations with subscribers
	n       int               // subscribers
	active  bool              // last is current: the hub reads while anyone listens
	last    int64             // highest sequence number read
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
		Poll: DefaultPoll, GapWait: DefaultGapWait, Coalesce: DefaultCoalesce, orgs: map[int64]*orgLog{},
		gaps: map[int64]time.Time{}, now: time.Now}
}

// Feed is what the hub reads, for callers that replay history.
func (h *Hub) Feed() porter.EventFeed { return h.feed }

// orgLog holds the events an organization's subscribers have yet to
// read: frames[i] is the one at position base+i.
type orgLog struct {
	id     int64
	subs   map[*Sub]struct{}
	frames []*Frame
	base   int64
	added  int // frames appended by the fan-out under way
}

func (l *orgLog) end() int64 { return l.base + int64(len(l.frames)) }

// Sub is one live subscriber: the events of one organization that its
// match accepts, in the order the hub reads them.
type Sub struct {
	hub    *Hub
	log    *orgLog
	match  func(*porter.Event) bool
	pos    int64         // the next position of log to read; hub.mu
	gone   bool          // dropped; hub.mu
	ready  chan struct{} // holds one wake-up: there is something to Take
	done   chan struct{}
	reason string // why the hub dropped it; set before done closes
}

// Ready is signalled when Take may have events to return.
func (s *Sub) Ready() <-chan struct{} { return s.ready }

// Take appends to dst the subscriber's events read since its last Take,
// in order, and returns dst.
func (s *Sub) Take(dst []*Frame) []*Frame {
	h := s.hub
	h.mu.Lock()
	if s.gone {
		h.mu.Unlock()
		return dst
	}
	frames := s.log.frames[s.pos-s.log.base:]
	s.pos = s.log.end()
	h.mu.Unlock()
	// A frame never changes once appended, so frames are matched outside
	// the hub's lock.
	for _, f := range frames {
		if s.match(f.Event) {
			dst = append(dst, f)
		}
	}
	return dst
}

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
	l := h.orgs[org]
	if h.MaxPerOrg > 0 && l != nil && len(l.subs) >= h.MaxPerOrg {
		return nil, 0, fmt.Errorf("%w: %d on this node", ErrTooMany, h.MaxPerOrg)
	}
	if !h.active {
		// The hub was idle: start from what has committed, and wait for
		// the numbers below it still in flight.
		if err := h.activate(ctx); err != nil {
			return nil, 0, err
		}
	}
	if l == nil {
		l = &orgLog{id: org, subs: map[*Sub]struct{}{}}
		h.orgs[org] = l
	}
	sub = &Sub{hub: h, log: l, match: match, pos: l.end(), ready: make(chan struct{}, 1), done: make(chan struct{})}
	l.subs[sub] = struct{}{}
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
	if sub.gone {
		return
	}
	sub.gone = true
	l := sub.log
	delete(l.subs, sub)
	if len(l.subs) == 0 {
		delete(h.orgs, l.id)
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
	var last time.Time // of the last fan-out that sent anything
	for {
		select {
		case <-ctx.Done():
			h.Stop()
			return
		case <-watch.Events:
		case <-tick.C:
		}
		if wait := h.Coalesce - time.Since(last); wait > 0 {
			// Commits come faster than fan-outs may: let them gather.
			t := time.NewTimer(wait)
			select {
			case <-ctx.Done():
				t.Stop()
				h.Stop()
				return
			case <-t.C:
			}
		}
		n, err := h.pump(ctx)
		if err != nil && ctx.Err() == nil {
			h.logger.Warn("event stream: read the outbox", "err", err)
		}
		if n > 0 {
			last = time.Now()
		}
	}
}

// Stop drops every subscriber; later subscriptions are refused.
func (h *Hub) Stop() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.stopped = true
	for _, l := range h.orgs {
		for sub := range l.subs {
			h.drop(sub, "the server is shutting down; reconnect with Last-Event-ID")
		}
	}
}

// pump reads what committed since the last read and hands it out; it
// returns how many events it read.
func (h *Hub) pump(ctx context.Context) (int, error) {
	n := 0
	for {
		h.mu.Lock()
		if !h.active {
			h.mu.Unlock()
			return n, nil
		}
		last, also := h.last, h.pendingGaps()
		h.mu.Unlock()
		evs, err := h.feed.EventsAfter(ctx, 0, last, also, batch)
		if err != nil {
			return n, err
		}
		h.mu.Lock()
		// A subscriber may have woken an idle hub meanwhile: what was read
		// from the old position is stale, and the next pass reads anew.
		if h.active && h.last == last {
			h.fanOut(evs)
			n += len(evs)
		}
		h.mu.Unlock()
		if len(evs) < batch {
			return n, nil
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

// fanOut appends evs to their organizations' logs, wakes the subscribers
// with something to read and moves the read position; h.mu is held.
func (h *Hub) fanOut(evs []*porter.Event) {
	now := h.now()
	var touched []*orgLog
	for _, e := range evs {
		if _, ok := h.gaps[e.Seq]; ok {
			delete(h.gaps, e.Seq)
		} else if e.Seq > h.last {
			for s := h.last + 1; s < e.Seq && len(h.gaps) < maxGaps; s++ {
				h.gaps[s] = now
			}
			h.last = e.Seq
		}
		l := h.orgs[e.OrgID]
		if l == nil {
			continue
		}
		if l.added == 0 {
			touched = append(touched, l)
		}
		l.frames = append(l.frames, &Frame{Event: e})
		l.added++
	}
	for _, l := range touched {
		h.wake(l)
	}
}

// wake tells l's subscribers of the events just appended, drops those too
// far behind, and trims what all have read; h.mu is held.
func (h *Hub) wake(l *orgLog) {
	end := l.end()
	added := l.frames[len(l.frames)-l.added:]
	l.added = 0
	low := end
	for sub := range l.subs {
		switch behind := end - sub.pos; {
		case behind > int64(max(h.Buffer, 1)):
			h.drop(sub, fmt.Sprintf("the client is too slow: %d events waited unread; reconnect with Last-Event-ID to resume", behind))
			continue
		case behind <= int64(len(added)) && !matchesAny(sub.match, added[len(added)-int(behind):]):
			// Caught up and none of the new events is for it: nothing
			// to wake it for.
			sub.pos = end
		default:
			select {
			case sub.ready <- struct{}{}:
			default: // already woken
			}
		}
		low = min(low, sub.pos)
	}
	if cut := int(low - l.base); cut > 0 && cut >= len(l.frames)/2 {
		// Keep the frames still unread, in a new array, so that the read
		// ones can be collected.
		l.frames = append([]*Frame(nil), l.frames[cut:]...)
		l.base = low
	}
}

func matchesAny(match func(*porter.Event) bool, frames []*Frame) bool {
	for _, f := range frames {
		if match(f.Event) {
			return true
		}
	}
	return false
}
