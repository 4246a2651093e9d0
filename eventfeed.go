package porter

import "context"

// EventFeed is what the live event stream reads: committed events of every
// organization in the outbox's order. It is read-only and takes no locks,
// so that streaming never slows a writer.
type EventFeed interface {
	// WatchQueue's Events channel wakes the stream after a commit that
	// recorded events; PostgreSQL relays it between nodes.
	WatchQueue(ctx context.Context) QueueWatch
	// EventsAfter returns, in sequence order, up to limit events of orgID
	// (0: every organization) whose sequence is after after or is one of
	// also (numbers skipped earlier that may still commit).
	EventsAfter(ctx context.Context, orgID, after int64, also []int64, limit int) ([]*Event, error)
	// LastEventSeq is the highest sequence number committed so far.
	LastEventSeq(ctx context.Context) (int64, error)
}
