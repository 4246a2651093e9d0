package delivery

import (
	"context"
	"log/slog"
	"os"
	"time"

	"porter"
)

// NodeConfig tunes how nodes learn that another has died, so that what it
// had leased is sent again within seconds rather than when the leases
// lapse (twice the timeout plus LeaseMargin: 50 s by default).
//
// A node is dead when
//   - it runs on this host and its pid is gone: found at start and on
//     every sweep, so a node restarted after kill -9 takes its
//     predecessor's work back at once;
//   - its heartbeat has not changed for DeadAfter, as this node's clock
//     measures it: nodes on other hosts, or a pid reused by another
//     process. Comparing a heartbeat with this node's own clock would
//     take a node on a host whose clock runs behind for dead. With the
//     defaults a dead node's work is due again within 9 s of its death:
//     DeadAfter after its last beat (read within a sweep of it), found on
//     the next sweep.
type NodeConfig struct {
	Heartbeat time.Duration // how often this node refreshes its row (2 s)
	DeadAfter time.Duration // a node whose heartbeat has not changed for this long is dead (7 s: three beats missed)
	Host      string        // where this node's pid means something: its hostname and, on Linux, PID namespace
	PID       int           // this node's process (os.Getpid)
}

func (c *NodeConfig) defaults() {
	if c.Heartbeat <= 0 {
		c.Heartbeat = 2 * time.Second
	}
	if c.DeadAfter <= 0 {
		c.DeadAfter = 7 * time.Second
	}
	if c.Host == "" {
		c.Host = thisHost()
	}
	if c.PID == 0 {
		c.PID = os.Getpid()
	}
}

// nodes is this engine's membership: its heartbeat, and the sweep that
// releases dead nodes' leases.
type nodes struct {
	e     *Engine
	store porter.NodeStore
	cfg   NodeConfig
	self  porter.Node
	log   *slog.Logger

	beatAt time.Time          // this node's last heartbeat, by its clock
	seen   map[string]sighted // other nodes' heartbeats as last read
}

// sighted is a node's heartbeat as read, and when it was first read so.
type sighted struct {
	started, beat time.Time
	since         time.Time
}

// joinNodes releases the leases of dead nodes (this node's predecessor
// above all) and registers this node, before it leases anything. Errors
// are logged: the sweep tries again. It returns nil when the store keeps
// no nodes.
func (e *Engine) joinNodes(ctx context.Context) *nodes {
	ns, ok := e.store.(porter.NodeStore)
	if !ok {
		return nil
	}
	cfg := e.cfg.Nodes
	cfg.defaults()
	n := &nodes{e: e, store: ns, cfg: cfg, log: e.log, seen: map[string]sighted{},
		self: porter.Node{Name: e.q.Node, Host: cfg.Host, PID: cfg.PID, StartedAt: e.now().UTC().Truncate(time.Microsecond)}}
	all, err := ns.Nodes(ctx)
	if err != nil && ctx.Err() == nil {
		n.log.Warn("delivery: read nodes", "err", err)
	}
	mine := false
	for _, o := range all {
		if o.Name == n.self.Name {
			mine = true
			if n.predecessor(o) {
				n.release(ctx, o, "restarted")
			} else {
				n.log.Warn("delivery: another live node has this node's name; give each node its own PORTER_NODE",
					"other_host", o.Host, "other_pid", o.PID, "other_heartbeat", o.HeartbeatAt)
			}
		} else if n.gone(o) {
			n.release(ctx, o, "its process is gone")
		} else {
			n.seen[o.Name] = sighted{started: o.StartedAt, beat: o.HeartbeatAt, since: n.e.now()}
		}
	}
	if !mine && err == nil {
		// Leases under this name with no row: an earlier run of this node
		// that died before it had one, or one taken for dead and released.
		n.release(ctx, porter.Node{Name: n.self.Name}, "restarted")
	}
	n.beat(ctx, true)
	return n
}

// predecessor tells whether o, a row under this node's own name, is an
// earlier run of this node: its process gone, or its heartbeat stale.
func (n *nodes) predecessor(o porter.Node) bool {
	return n.gone(o) || (o.Host == n.self.Host && o.PID == n.self.PID) ||
		n.e.now().Sub(o.HeartbeatAt) > n.cfg.DeadAfter
}

// gone tells whether o ran on this host in a process that no longer exists.
func (n *nodes) gone(o porter.Node) bool {
	return o.Host == n.self.Host && o.PID != n.self.PID && !processAlive(o.PID)
}

// run beats and sweeps every SweepInterval until ctx ends.
func (n *nodes) run(ctx context.Context) {
	tick := time.NewTicker(n.e.cfg.SweepInterval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		if n.e.now().Sub(n.beatAt) >= n.cfg.Heartbeat {
			n.beat(ctx, false)
		}
		n.sweep(ctx)
	}
}

func (n *nodes) beat(ctx context.Context, first bool) {
	now := n.e.now()
	existed, err := n.store.Heartbeat(ctx, n.self, now)
	if err != nil {
		if ctx.Err() == nil {
			n.log.Warn("delivery: heartbeat", "err", err)
		}
		// Others may not be able to beat either: judge nobody by a silence
		// this node could not have heard.
		clear(n.seen)
		return
	}
	n.beatAt = now
	if !existed && !first {
		n.log.Warn("delivery: another node took this one for dead and gave back its deliveries; some may be sent twice")
	}
}

// sweep releases the leases of nodes found dead.
func (n *nodes) sweep(ctx context.Context) {
	all, err := n.store.Nodes(ctx)
	if err != nil {
		if ctx.Err() == nil {
			n.log.Warn("delivery: read nodes", "err", err)
		}
		clear(n.seen)
		return
	}
	now := n.e.now()
	present := make(map[string]bool, len(all))
	for _, o := range all {
		if o.Name == n.self.Name {
			// Its leases are this node's own: never released while it runs.
			continue
		}
		present[o.Name] = true
		if n.gone(o) {
			n.release(ctx, o, "its process is gone")
			continue
		}
		s, ok := n.seen[o.Name]
		if !ok || !s.started.Equal(o.StartedAt) || !s.beat.Equal(o.HeartbeatAt) {
			n.seen[o.Name] = sighted{started: o.StartedAt, beat: o.HeartbeatAt, since: now}
			continue
		}
		if now.Sub(s.since) >= n.cfg.DeadAfter {
			n.release(ctx, o, "no heartbeat")
		}
	}
	for name := range n.seen {
		if !present[name] {
			delete(n.seen, name)
		}
	}
}

// release takes a dead node out and gives its deliveries back.
func (n *nodes) release(ctx context.Context, o porter.Node, why string) {
	released, ok, err := n.store.ReleaseNode(ctx, o, n.e.now())
	switch {
	case err != nil:
		if ctx.Err() == nil {
			n.log.Warn("delivery: release a dead node's deliveries", "dead_node", o.Name, "err", err)
		}
		return
	case !ok:
		return // it beat meanwhile, or another node released it first
	}
	delete(n.seen, o.Name)
	if o.StartedAt.IsZero() && released == 0 {
		return
	}
	n.log.Info("delivery: node is dead; its deliveries are due again", "dead_node", o.Name, "host", o.Host, "pid", o.PID,
		"reason", why, "released", released)
}

// leave deletes this node's row once it has drained: a clean stop is
// not a death. Any lease still under its name (one the drain could not
// give back or record, the database failing) is given back with it.
func (n *nodes) leave() {
	if n == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := n.store.DeleteNode(ctx, n.self); err != nil {
		n.log.Warn("delivery: leave", "err", err)
		return
	}
	if _, _, err := n.store.ReleaseNode(ctx, porter.Node{Name: n.self.Name}, n.e.now()); err != nil {
		n.log.Warn("delivery: leave", "err", err)
	}
}
