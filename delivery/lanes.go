package delivery

import (
	"sync"
	"time"

	"porter"
)

// lanes hold the deliveries this node has leased, one lane per webhook,
// and decide which is sent next: organizations take turns, and within one
// its webhooks take turns, so a busy organization or a slow endpoint never
// holds up the rest. A lane sends at most perEndpoint at once.
//
// Every delivery held counts against two budgets, the lane's (holdLane)
// and the node's (holdTotal): leases are taken only for what fits, and
// the rest stays due in the database for any node.
//
// No endpoint and no organization may take the node for itself while
// others wait. A lane is proven while its last attempt on this node got
// an answer (any status) and none of its attempts in flight has been
// waiting longer than slowAfter; every other lane (new, or silent) is
// unproven. Unproven lanes together send at most share at once and hold
// at most half the node's budget, so that endpoints that answer always
// find at least half the workers and half the budget free of those that
// do not; one organization's unproven lanes take at most half of that,
// so that no organization keeps another's new endpoints from their first
// attempt. While other organizations have deliveries waiting to start, one
// organization sends at most share at once: slow endpoints that do answer
// are bounded by that, and by perEndpoint.
type lanes struct {
	mu          sync.Mutex
	cond        *sync.Cond // signalled when a delivery is queued or the lanes close
	perEndpoint int
	holdLane    int
	holdTotal   int
	share       int           // in flight: of unproven lanes together, and of one organization while others wait
	slowAfter   time.Duration // an attempt not answered by then makes its lane unproven
	now         func() time.Time

	answered    map[int64]bool // webhooks whose last attempt here got an answer; outlives lanes
	busy        map[*lane]struct{}
	orgInflight map[int64]int

	byHook map[int64]*lane
	orgs   []*orgLanes // organizations with queued deliveries, in turn order
	byOrg  map[int64]*orgLanes
	next   int // index into orgs of the next turn

	held     int // queued + in flight + reserved, all lanes
	inflight int
	closed   bool // no more sends start
}

type lane struct {
	hookID   int64
	orgID    int64
	queue    []*porter.QueuedDelivery
	inflight int
	reserved int                 // budget promised to a fan-out or claim in progress
	dirty    bool                // more may be due in the database than was claimed
	started  map[int64]time.Time // attempts in flight, by delivery, since
}

func (l *lane) held() int { return len(l.queue) + l.inflight + l.reserved }

type orgLanes struct {
	id    int64
	lanes []*lane // lanes with queued deliveries, in turn order
	next  int
}

// newLanes makes the lanes of a node with workers workers.
func newLanes(workers, perEndpoint, holdLane, holdTotal int, slowAfter time.Duration, now func() time.Time) *lanes {
	ls := &lanes{perEndpoint: perEndpoint, holdLane: holdLane, holdTotal: holdTotal,
		share: max(perEndpoint, workers/2), slowAfter: slowAfter, now: now,
		byHook: map[int64]*lane{}, byOrg: map[int64]*orgLanes{},
		answered: map[int64]bool{}, busy: map[*lane]struct{}{}, orgInflight: map[int64]int{}}
	ls.cond = sync.NewCond(&ls.mu)
	return ls
}

// proven tells whether l's endpoint answers: its last attempt here was
// answered and nothing in flight has waited longer than slowAfter.
func (ls *lanes) proven(l *lane, now time.Time) bool {
	if !ls.answered[l.hookID] {
		return false
	}
	for _, at := range l.started {
		if now.Sub(at) >= ls.slowAfter {
			return false
		}
	}
	return true
}

// unprovenHeld counts what unproven lanes hold, all of them and orgID's.
func (ls *lanes) unprovenHeld(now time.Time, orgID int64) (all, org int) {
	for _, l := range ls.byHook {
		if h := l.held(); h > 0 && !ls.proven(l, now) {
			all += h
			if l.orgID == orgID {
				org += h
			}
		}
	}
	return all, org
}

// unprovenInflight counts what unproven lanes have in flight, all of them
// and by organization.
func (ls *lanes) unprovenInflight(now time.Time) (int, map[int64]int) {
	n, byOrg := 0, map[int64]int{}
	for l := range ls.busy {
		if !ls.proven(l, now) {
			n += l.inflight
			byOrg[l.orgID] += l.inflight
		}
	}
	return n, byOrg
}

func (ls *lanes) lane(orgID, hookID int64) *lane {
	l := ls.byHook[hookID]
	if l == nil {
		l = &lane{hookID: hookID, orgID: orgID}
		ls.byHook[hookID] = l
	}
	return l
}

// reserve promises up to n deliveries' budget to hookID and returns how
// many fit.
func (ls *lanes) reserve(orgID, hookID int64, n int) int {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	if ls.closed {
		return 0
	}
	l := ls.lane(orgID, hookID)
	n = min(n, ls.holdLane-l.held(), ls.holdTotal-ls.held)
	if n > 0 {
		if now := ls.now(); !ls.proven(l, now) {
			all, org := ls.unprovenHeld(now, orgID)
			share := max(ls.holdLane, ls.holdTotal/2)
			n = min(n, share-all, max(ls.holdLane, share/2)-org)
		}
	}
	if n <= 0 {
		// What did not fit is due in the database: claim it once there is room.
		l.dirty = true
		return 0
	}
	l.reserved += n
	ls.held += n
	return n
}

// unreserve gives back budget reserved and not used.
func (ls *lanes) unreserve(hookID int64, n int) {
	if n <= 0 {
		return
	}
	ls.mu.Lock()
	defer ls.mu.Unlock()
	if l := ls.byHook[hookID]; l != nil {
		l.reserved -= n
		ls.held -= n
		ls.gc(l)
	}
}

// add queues leased deliveries, each against a reservation of its lane.
func (ls *lanes) add(ds []*porter.QueuedDelivery) {
	if len(ds) == 0 {
		return
	}
	ls.mu.Lock()
	defer ls.mu.Unlock()
	for _, d := range ds {
		l := ls.lane(d.OrgID, d.WebhookID)
		l.reserved--
		if len(l.queue) == 0 {
			ls.activate(l)
		}
		l.queue = append(l.queue, d)
	}
	ls.cond.Broadcast()
}

// activate gives a lane that has just had a delivery queued its turns.
func (ls *lanes) activate(l *lane) {
	o := ls.byOrg[l.orgID]
	if o == nil {
		o = &orgLanes{id: l.orgID}
		ls.byOrg[l.orgID] = o
		ls.orgs = append(ls.orgs, o)
	}
	o.lanes = append(o.lanes, l)
}

// take blocks until a delivery may be sent and returns it, or returns nil
// once the lanes are closed.
func (ls *lanes) take() *porter.QueuedDelivery {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	for {
		if ls.closed {
			return nil
		}
		if d := ls.pick(); d != nil {
			return d
		}
		ls.cond.Wait()
	}
}

// pick takes the next turn's delivery: the next organization's next lane
// that may send more. An organization at its share gives its turn to the
// others; it sends past its share only when none of them can.
func (ls *lanes) pick() *porter.QueuedDelivery {
	if len(ls.orgs) == 0 {
		return nil
	}
	now := ls.now()
	unproven, byOrg := ls.unprovenInflight(now)
	if d := ls.pickFrom(now, unproven, byOrg, len(ls.orgs) > 1); d != nil {
		return d
	}
	if len(ls.orgs) > 1 {
		return ls.pickFrom(now, unproven, byOrg, false)
	}
	return nil
}

func (ls *lanes) pickFrom(now time.Time, unproven int, unprovenOf map[int64]int, orgShare bool) *porter.QueuedDelivery {
	for i := range ls.orgs {
		oi := (ls.next + i) % len(ls.orgs)
		o := ls.orgs[oi]
		if orgShare && ls.orgInflight[o.id] >= ls.share {
			continue
		}
		for j := range o.lanes {
			li := (o.next + j) % len(o.lanes)
			l := o.lanes[li]
			if l.inflight >= ls.perEndpoint {
				continue
			}
			if !ls.proven(l, now) && (unproven >= ls.share || unprovenOf[o.id] >= max(1, ls.share/2)) {
				continue
			}
			d := l.queue[0]
			l.queue[0] = nil
			l.queue = l.queue[1:]
			l.inflight++
			ls.inflight++
			if l.started == nil {
				l.started = map[int64]time.Time{}
			}
			l.started[d.ID] = now
			ls.busy[l] = struct{}{}
			ls.orgInflight[o.id]++
			o.next = li + 1
			ls.next = oi + 1
			if len(l.queue) == 0 {
				ls.deactivate(o, li)
			}
			return d
		}
	}
	return nil
}

// deactivate drops a lane whose queue emptied from its organization's
// turns, and an organization with no queued lanes from the rotation.
func (ls *lanes) deactivate(o *orgLanes, li int) {
	o.lanes = append(o.lanes[:li], o.lanes[li+1:]...)
	if o.next > li {
		o.next--
	}
	if len(o.lanes) > 0 {
		o.next %= len(o.lanes)
		return
	}
	delete(ls.byOrg, o.id)
	for i, x := range ls.orgs {
		if x == o {
			ls.orgs = append(ls.orgs[:i], ls.orgs[i+1:]...)
			if ls.next > i {
				ls.next--
			}
			break
		}
	}
	if len(ls.orgs) > 0 {
		ls.next %= len(ls.orgs)
	} else {
		ls.next = 0
	}
}

// done ends a send (r is what came of it) or a delivery dropped unsent
// (r is nil): its budget is free. It reports whether the lane wants a
// claim now that it has room.
func (ls *lanes) done(d *porter.QueuedDelivery, r *porter.Result) (claim bool) {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	l := ls.byHook[d.WebhookID]
	if l == nil {
		return false
	}
	if r != nil && r.Outcome != porter.OutcomeOther {
		ls.answered[l.hookID] = r.Outcome == porter.OutcomeAnswered
	}
	delete(l.started, d.ID)
	l.inflight--
	if l.inflight == 0 {
		delete(ls.busy, l)
	}
	if ls.orgInflight[l.orgID]--; ls.orgInflight[l.orgID] <= 0 {
		delete(ls.orgInflight, l.orgID)
	}
	ls.inflight--
	ls.held--
	ls.cond.Broadcast() // the lane may send again
	claim = l.dirty && ls.wantsClaim(l)
	ls.gc(l)
	return claim
}

// drop removes the queued deliveries of webhooks that were disabled and
// returns them; their budget is free.
func (ls *lanes) drop(hookIDs []int64) []*porter.QueuedDelivery {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	var out []*porter.QueuedDelivery
	for _, id := range hookIDs {
		l := ls.byHook[id]
		if l == nil || len(l.queue) == 0 {
			continue
		}
		out = append(out, l.queue...)
		ls.held -= len(l.queue)
		l.queue = nil
		l.dirty = false
		if o := ls.byOrg[l.orgID]; o != nil {
			for i, x := range o.lanes {
				if x == l {
					ls.deactivate(o, i)
					break
				}
			}
		}
		ls.gc(l)
	}
	return out
}

// close stops sends from starting and returns every queued delivery.
func (ls *lanes) close() []*porter.QueuedDelivery {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	ls.closed = true
	var out []*porter.QueuedDelivery
	for _, l := range ls.byHook {
		out = append(out, l.queue...)
		ls.held -= len(l.queue)
		l.queue = nil
	}
	ls.orgs, ls.byOrg, ls.next = nil, map[int64]*orgLanes{}, 0
	ls.cond.Broadcast()
	return out
}

// gc forgets an idle lane: nothing queued, sending, reserved or owed.
func (ls *lanes) gc(l *lane) {
	if l.held() == 0 && !l.dirty {
		delete(ls.byHook, l.hookID)
	}
}

// markDirty records that hookIDs may have more due than this node holds.
func (ls *lanes) markDirty(orgOf func(int64) int64, hookIDs ...int64) {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	for _, id := range hookIDs {
		ls.lane(orgOf(id), id).dirty = true
	}
}

// takeDirty returns the dirty lanes with room, clearing their marks.
func (ls *lanes) takeDirty() []int64 {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	var out []int64
	for id, l := range ls.byHook {
		if l.dirty && ls.wantsClaim(l) {
			l.dirty = false
			out = append(out, id)
			ls.gc(l)
		}
	}
	return out
}

// wantsClaim tells whether a dirty lane should claim now: when a quarter
// of it is free, not at every send, so that one claim transaction leases
// many, yet before its queue runs dry.
func (ls *lanes) wantsClaim(l *lane) bool { return l.held() <= ls.holdLane-max(ls.holdLane/4, 1) }

// full reports whether the node has no room left.
func (ls *lanes) full() bool {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	return ls.held >= ls.holdTotal
}

// roomy reports whether an eighth of the node's room is free: enough for
// a sweep to be worth its transaction.
func (ls *lanes) roomy() bool {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	return ls.holdTotal-ls.held >= max(ls.holdTotal/8, 1)
}

// counts are the lanes' gauges.
func (ls *lanes) counts() (held, inflight int) {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	return ls.held, ls.inflight
}
