package porter_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"porter"
	"porter/storetest"
)

func TestNodeHeartbeat(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newQueueFixture(t, s)
		ns := s.(porter.NodeStore)
		// Nanoseconds are not stored: the row reads back to the microsecond.
		a := porter.Node{Name: "web-1", Host: "web", PID: 4242, StartedAt: f.now.Add(123456789)}
		a.StartedAt = a.StartedAt.Truncate(time.Microsecond)
		existed, err := ns.Heartbeat(f.ctx, a, f.now.Add(time.Second+7))
		if err != nil || existed {
			t.Fatalf("first beat: existed %v, %v", existed, err)
		}
		f.now = f.now.Add(2 * time.Second)
		if existed, err = ns.Heartbeat(f.ctx, a, f.now); err != nil || !existed {
			t.Fatalf("second beat: existed %v, %v", existed, err)
		}
		b := porter.Node{Name: "web-2", Host: "other", PID: 7, StartedAt: f.now}
		if _, err := ns.Heartbeat(f.ctx, b, f.now); err != nil {
			t.Fatal(err)
		}
		got, err := ns.Nodes(f.ctx)
		if err != nil || len(got) != 2 {
			t.Fatalf("nodes: %+v %v", got, err)
		}
		if g := got[0]; g.Name != "web-1" || g.Host != "web" || g.PID != 4242 || !g.StartedAt.Equal(a.StartedAt) || !g.HeartbeatAt.Equal(f.now) {
			t.Fatalf("web-1 reads back as %+v", g)
		}
		// A restart under the same name is a new incarnation: it takes the row over.
		a2 := a
		a2.PID, a2.StartedAt = 4343, f.now.Add(time.Second)
		if existed, err = ns.Heartbeat(f.ctx, a2, a2.StartedAt); err != nil || existed {
			t.Fatalf("new incarnation: existed %v, %v", existed, err)
		}
		// The old incarnation's clean stop does not delete the new one's row.
		if err := ns.DeleteNode(f.ctx, a); err != nil {
			t.Fatal(err)
		}
		if got, _ = ns.Nodes(f.ctx); len(got) != 2 || got[0].PID != 4343 {
			t.Fatalf("after the old incarnation left: %+v", got)
		}
		if err := ns.DeleteNode(f.ctx, a2); err != nil {
			t.Fatal(err)
		}
		if got, _ = ns.Nodes(f.ctx); len(got) != 1 || got[0].Name != "web-2" {
			t.Fatalf("after web-1 left: %+v", got)
		}
	})
}

func TestNodeRelease(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newQueueFixture(t, s)
		ns := s.(porter.NodeStore)
		hook := f.webhook(f.org, porter.WebhookInput{Events: []string{"property.created"}})
		queue := func(node string) *porter.WebhookQueue {
			q := porter.NewWebhookQueue(f.svc, node, func() string { return fmt.Sprintf("att_%d", f.ids.Add(1)) })
			q.Jitter = nil
			return q
		}
		// Each node leases one delivery, for an hour.
		lease := func(q *porter.WebhookQueue) *porter.QueuedDelivery {
			t.Helper()
			f.property(f.org, q.Node)
			leased, _, err := q.FanOut(f.ctx, 100, func(*porter.Subscription) (time.Time, bool) { return f.now.Add(time.Hour), true })
			if err != nil || len(leased) != 1 {
				t.Fatalf("%s leased %v, %v", q.Node, leased, err)
			}
			return leased[0]
		}
		dead, alive := queue("dead"), queue("alive")
		dn := porter.Node{Name: "dead", Host: "h", PID: 1, StartedAt: f.now}
		an := porter.Node{Name: "alive", Host: "h", PID: 2, StartedAt: f.now}
		for _, n := range []porter.Node{dn, an} {
			if _, err := ns.Heartbeat(f.ctx, n, f.now); err != nil {
				t.Fatal(err)
			}
		}
		lost, kept := lease(dead), lease(alive)
		rows, _ := ns.Nodes(f.ctx)
		seen := rows[1] // "dead", as a sweep read it
		if seen.Name != "dead" {
			t.Fatalf("nodes: %+v", rows)
		}

		// It beats after the sweep read it: alive after all, nothing released.
		f.now = f.now.Add(2 * time.Second)
		if _, err := ns.Heartbeat(f.ctx, dn, f.now); err != nil {
			t.Fatal(err)
		}
		if n, ok, err := ns.ReleaseNode(f.ctx, seen, f.now); err != nil || ok || n != 0 {
			t.Fatalf("release of a node that beat since: %d %v %v", n, ok, err)
		}
		if got := f.claim(hook.ID, 10); len(got) != 0 {
			t.Fatalf("claimed %d deliveries another node holds", len(got))
		}

		// Silent since: released, due at once for any node, its row gone.
		rows, _ = ns.Nodes(f.ctx)
		seen2 := rows[1]
		f.now = f.now.Add(11 * time.Second)
		n, ok, err := ns.ReleaseNode(f.ctx, seen2, f.now)
		if err != nil || !ok || n != 1 {
			t.Fatalf("release: %d %v %v", n, ok, err)
		}
		if rows, _ = ns.Nodes(f.ctx); len(rows) != 1 || rows[0].Name != "alive" {
			t.Fatalf("nodes after release: %+v", rows)
		}
		d := f.delivery(f.org, lost.ID)
		if d.Status != porter.DeliveryPending || d.NextAttemptAt == nil || !d.NextAttemptAt.Equal(f.now) || d.AttemptCount != 1 {
			t.Fatalf("released delivery: %+v", d)
		}
		// Another node's sweep read the same row: it finds nothing to do.
		if n, ok, err := ns.ReleaseNode(f.ctx, seen2, f.now); err != nil || ok || n != 0 {
			t.Fatalf("second release: %d %v %v", n, ok, err)
		}
		got := f.claim(hook.ID, 10)
		if len(got) != 1 || got[0].ID != lost.ID || got[0].Attempt != 2 {
			t.Fatalf("after release, claimed %+v", got)
		}
		// The dead node's attempt, if it ever reports, moves nothing.
		f.answer(lost, 200)
		if d := f.delivery(f.org, lost.ID); d.Status != porter.DeliveryPending {
			t.Fatalf("a released lease's record applied: %+v", d)
		}
		f.answer(got[0], 200)
		f.answer(kept, 200)
		if d := f.delivery(f.org, kept.ID); d.Status != porter.DeliverySucceeded {
			t.Fatalf("the live node's delivery: %+v", d)
		}
	})
}

// Leases under a name with no row (a node that died before its first
// beat) are released by name; a name with a row only through its row.
func TestNodeReleaseOrphans(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newQueueFixture(t, s)
		ns := s.(porter.NodeStore)
		hook := f.webhook(f.org, porter.WebhookInput{Events: []string{"property.created"}})
		f.property(f.org, "A")
		leased, _, err := f.q.FanOut(f.ctx, 100, func(*porter.Subscription) (time.Time, bool) { return f.now.Add(time.Hour), true })
		if err != nil || len(leased) != 1 {
			t.Fatalf("leased %v, %v", leased, err)
		}
		self := porter.Node{Name: f.q.Node, Host: "h", PID: 1, StartedAt: f.now}
		if _, err := ns.Heartbeat(f.ctx, self, f.now); err != nil {
			t.Fatal(err)
		}
		if n, _, err := ns.ReleaseNode(f.ctx, porter.Node{Name: f.q.Node}, f.now); err != nil || n != 0 {
			t.Fatalf("released %d leases of a node with a row, by name alone (%v)", n, err)
		}
		if err := ns.DeleteNode(f.ctx, self); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(f.ctx)
		defer cancel()
		w := s.WatchQueue(ctx)
		for drained := false; !drained; {
			select {
			case <-w.Deliveries:
			case <-w.Events:
			case <-time.After(200 * time.Millisecond):
				drained = true
			}
		}
		if n, ok, err := ns.ReleaseNode(f.ctx, porter.Node{Name: f.q.Node}, f.now); err != nil || !ok || n != 1 {
			t.Fatalf("orphans released: %d %v %v", n, ok, err)
		}
		// Every node hears that they are due.
		select {
		case <-w.Deliveries:
		case <-time.After(5 * time.Second):
			t.Fatal("no wake-up after a release")
		}
		if got := f.claim(hook.ID, 10); len(got) != 1 || got[0].ID != leased[0].ID {
			t.Fatalf("after release, claimed %+v", got)
		}
	})
}
