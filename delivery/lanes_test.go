package delivery

import (
	"fmt"
	"testing"
	"time"

	"porter"
)

// laneRig is lanes on a clock the test moves, with deliveries numbered as
// they are queued.
type laneRig struct {
	t       *testing.T
	ls      *lanes
	workers int
	now     time.Time
	ids     int64
}

func newLaneRig(t *testing.T, workers, perEndpoint int) *laneRig {
	r := &laneRig{t: t, workers: workers, now: time.Date(2025, 5, 9, 14, 30, 0, 0, time.UTC)}
	r.ls = newLanes(workers, perEndpoint, 1000, 10000, time.Second, func() time.Time { return r.now })
	return r
}

// queue leases n deliveries of webhook hook in org, as a fan-out would.
func (r *laneRig) queue(org, hook int64, n int) {
	r.t.Helper()
	if got := r.ls.reserve(org, hook, n); got != n {
		r.t.Fatalf("webhook %d: reserved %d of %d", hook, got, n)
	}
	ds := make([]*porter.QueuedDelivery, n)
	for i := range ds {
		r.ids++
		ds[i] = &porter.QueuedDelivery{ID: r.ids, OrgID: org, WebhookID: hook}
	}
	r.ls.add(ds)
}

// drain starts sends, as idle workers would, until the lanes allow no
// more or every worker is busy, and counts them by webhook.
func (r *laneRig) drain() (map[int64]int, []*porter.QueuedDelivery) {
	r.ls.mu.Lock()
	defer r.ls.mu.Unlock()
	by := map[int64]int{}
	var ds []*porter.QueuedDelivery
	for r.ls.inflight < r.workers {
		d := r.ls.pick()
		if d == nil {
			break
		}
		by[d.WebhookID]++
		ds = append(ds, d)
	}
	return by, ds
}

// answer ends d's send with an answer, or with none.
func (r *laneRig) answer(d *porter.QueuedDelivery, answered bool) {
	o := porter.OutcomeUnreachable
	if answered {
		o = porter.OutcomeAnswered
	}
	r.ls.done(d, &porter.Result{Delivery: d, Outcome: o})
}

func sum(m map[int64]int, ids ...int64) int {
	n := 0
	for _, id := range ids {
		n += m[id]
	}
	return n
}

func TestLanesShares(t *testing.T) {
	// 64 workers, 8 per endpoint: the share is 32; one organization's
	// unproven endpoints take 16 of it.
	cases := []struct {
		name string
		run  func(r *laneRig) error
	}{
		{"one endpoint sends at most PerEndpoint at once", func(r *laneRig) error {
			r.queue(1, 10, 50)
			if by, _ := r.drain(); by[10] != 8 {
				return fmt.Errorf("sent %d at once, want 8", by[10])
			}
			return nil
		}},
		{"endpoints that never answered share half the workers, one organization half of that", func(r *laneRig) error {
			for h := int64(100); h < 166; h++ { // 66 silent endpoints, 22 in each of three organizations
				r.queue(1+h%3, h, 5)
			}
			by, _ := r.drain()
			total := 0
			perOrg := map[int64]int{}
			for h, n := range by {
				total += n
				perOrg[1+h%3] += n
			}
			if total != 32 || perOrg[1] > 16 || perOrg[2] > 16 || perOrg[3] > 16 {
				return fmt.Errorf("unproven in flight: %d (%v), want 32, at most 16 per organization", total, perOrg)
			}
			return nil
		}},
		{"an endpoint that answers finds workers while silent ones fill their share", func(r *laneRig) error {
			r.queue(1, 10, 1)
			_, ds := r.drain()
			r.answer(ds[0], true) // proven
			for h := int64(100); h < 164; h++ {
				r.queue(1, h, 8) // same organization
			}
			r.queue(1, 10, 20)
			by, _ := r.drain()
			if by[10] != 8 {
				return fmt.Errorf("the answering endpoint sent %d at once, want PerEndpoint (8)", by[10])
			}
			silent := 0
			for h, n := range by {
				if h != 10 {
					silent += n
				}
			}
			if silent > 16 {
				return fmt.Errorf("silent endpoints of one organization hold %d workers, want at most 16", silent)
			}
			return nil
		}},
		{"an organization's first endpoint is not kept waiting by another's silent ones", func(r *laneRig) error {
			for h := int64(100); h < 164; h++ {
				r.queue(2, h, 8)
			}
			r.drain()
			r.queue(1, 10, 1) // a brand-new endpoint of another organization
			if by, _ := r.drain(); by[10] != 1 {
				return fmt.Errorf("the new endpoint could not start: %v", by)
			}
			return nil
		}},
		{"an answer slower than SlowAfter keeps it proven; one in flight longer does not", func(r *laneRig) error {
			r.queue(1, 10, 1)
			_, ds := r.drain()
			r.now = r.now.Add(5 * time.Second)
			r.answer(ds[0], true)
			if !r.ls.proven(r.ls.lane(1, 10), r.now) {
				return fmt.Errorf("an endpoint that answered is not proven")
			}
			r.queue(1, 10, 1)
			r.drain()
			r.now = r.now.Add(2 * time.Second)
			if r.ls.proven(r.ls.lane(1, 10), r.now) {
				return fmt.Errorf("an endpoint with an attempt waiting 2 s is still proven")
			}
			return nil
		}},
		{"no answer makes an endpoint unproven again", func(r *laneRig) error {
			r.queue(1, 10, 2)
			_, ds := r.drain()
			r.answer(ds[0], true)
			r.answer(ds[1], false)
			if r.ls.proven(r.ls.lane(1, 10), r.now) {
				return fmt.Errorf("an endpoint whose last attempt timed out is proven")
			}
			return nil
		}},
		{"an organization gives its turn to others past its share, and takes more when they cannot", func(r *laneRig) error {
			for h := int64(10); h < 20; h++ { // org 1: ten answering endpoints
				r.queue(1, h, 1)
			}
			r.queue(2, 30, 1) // org 2: one
			_, ds := r.drain()
			for _, d := range ds {
				r.answer(d, true)
			}
			for h := int64(10); h < 20; h++ {
				r.queue(1, h, 8)
			}
			r.queue(2, 30, 8) // org 2 waits too: one endpoint, PerEndpoint at most
			by, _ := r.drain()
			if got := sum(by, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19); got != 56 || by[30] != 8 {
				return fmt.Errorf("org 1 sent %d, org 2 %d; want org 2's 8, then org 1 to fill the 64 workers (56) as org 2 can take no more", got, by[30])
			}
			return nil
		}},
		{"while another organization waits, one past its share gives it every turn", func(r *laneRig) error {
			for h := int64(10); h < 30; h++ { // ten answering endpoints in each of two organizations
				r.queue(1+h/20, h, 1)
			}
			_, ds := r.drain()
			for _, d := range ds {
				r.answer(d, true)
			}
			for h := int64(10); h < 20; h++ {
				r.queue(1, h, 8)
			}
			r.workers = 40
			if by, _ := r.drain(); len(by) != 10 {
				return fmt.Errorf("org 1 alone: %v", by)
			}
			for h := int64(20); h < 30; h++ {
				r.queue(2, h, 8)
			}
			r.workers = 64
			by, _ := r.drain()
			org1, org2 := sum(by, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19), sum(by, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29)
			if org1 != 0 || org2 != 24 {
				return fmt.Errorf("freed workers went %d to org 1 (40 in flight, over its share of 32) and %d to org 2; want 0 and 24", org1, org2)
			}
			return nil
		}},
		{"silent endpoints hold at most half the node's budget", func(r *laneRig) error {
			r.ls.holdTotal, r.ls.holdLane = 256, 16
			held := 0
			for h := int64(100); h < 200; h++ {
				held += r.ls.reserve(1, h, 16)
			}
			if held != 64 {
				return fmt.Errorf("one organization's silent endpoints reserved %d, want 64 of 256", held)
			}
			for h := int64(200); h < 300; h++ {
				held += r.ls.reserve(2+h%2, h, 16)
			}
			if held != 128 {
				return fmt.Errorf("silent endpoints reserved %d, want 128 of 256", held)
			}
			return nil
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if err := c.run(newLaneRig(t, 64, 8)); err != nil {
				t.Fatal(err)
			}
		})
	}
}
