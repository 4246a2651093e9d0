package porter

import (
	"context"
	"time"
)

// Node is one running delivery engine as the others see it: a row it
// keeps fresh while it lives, so that when it dies the deliveries it had
// leased are given back at once instead of when their leases lapse.
type Node struct {
	Name string // the lease owner (WebhookQueue.Node)
	Host string
	PID  int
	// StartedAt tells incarnations apart: a node restarted under the same
	// name is a different node.
	StartedAt   time.Time
	HeartbeatAt time.Time
}

// NodeStore keeps the nodes of a delivery queue. Times are stored to the
// microsecond, so a Node read back compares equal to what is stored.
type NodeStore interface {
	// Heartbeat records that n is alive at now. It reports false when n's
	// row was missing (its first beat, or another node took it for dead
	// and released its leases) and had to be inserted.
	Heartbeat(ctx context.Context, n Node, now time.Time) (existed bool, err error)
	// Nodes lists every node, by name.
	Nodes(ctx context.Context) ([]Node, error)
	// ReleaseNode takes a dead node out: its row is deleted, provided it is
	// still exactly n (same StartedAt and HeartbeatAt: a node that beat
	// since is alive after all), and every delivery leased to n.Name is
	// given back, due at now for any node; its attempt in flight counts,
	// as it may have been sent. A zero n.StartedAt releases the leases of
	// a name with no row. It returns the deliveries given back, and false
	// when n turned out to be alive.
	ReleaseNode(ctx context.Context, n Node, now time.Time) (released int, ok bool, err error)
	// DeleteNode deletes n's row (a clean shutdown, once drained), if it
	// is still n's incarnation.
	DeleteNode(ctx context.Context, n Node) error
}
