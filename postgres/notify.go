package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"sync"
	"time"
)

// qNotifyEvents tells every node's listener that events committed: in a
// transaction of its own, committed asynchronously, in one round trip.
//
// It used to be sent by a trigger inside each transaction that recorded
// events. PostgreSQL serializes the commits of transactions that NOTIFY
// (a database-wide lock taken before commit and held through it, fsync
// included), so every API write queued behind the previous one's fsync:
// group commit never happened and one node wrote about 200 per second
// whatever its pool. Sent after the commit, coalesced, it costs the
// writers nothing.
//
// Its payload names the sending node ("e:" and a token of this DB): the
// node that committed has woken its own watchers already, and a listener
// hears its own notifications too, which woke this node's fan-out a
// second time for every coalesced commit to find the outbox empty.
func notifyEventsQuery(from string) string {
	return "BEGIN; SET LOCAL synchronous_commit TO off; SELECT pg_notify('" + queueChannel + "', 'e:" + from + "'); COMMIT"
}

// newNotifyToken names this DB's notifications: hex, so it is safe in
// the query's literal.
func newNotifyToken() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// notifyTimeout bounds one notification; a lost one is caught up by the
// watchers' polling.
const notifyTimeout = 5 * time.Second

// eventNotes coalesces the notifications of committed events: while one
// is on its way, any number of commits ask for a single next one.
type eventNotes struct {
	mu      sync.Mutex
	pending bool
	running bool
	wg      sync.WaitGroup // the sender, which Close waits for
}

// eventsCommitted wakes this node's watchers at once and the others' by
// NOTIFY; called after a commit that recorded events.
func (d *DB) eventsCommitted() {
	d.signals.Signal(true, false)
	n := &d.notes
	n.mu.Lock()
	defer n.mu.Unlock()
	n.pending = true
	if !n.running {
		n.running = true
		n.wg.Add(1)
		go d.sendEventNotes()
	}
}

func (d *DB) sendEventNotes() {
	n := &d.notes
	defer n.wg.Done()
	for {
		n.mu.Lock()
		if !n.pending {
			n.running = false
			n.mu.Unlock()
			return
		}
		n.pending = false
		n.mu.Unlock()
		ctx, cancel := context.WithTimeout(context.Background(), notifyTimeout)
		if _, err := d.pool.Exec(ctx, notifyEventsQuery(d.notifyToken)); err != nil {
			slog.Warn("notify other nodes of committed events (they poll meanwhile)", "err", err)
		}
		cancel()
	}
}
