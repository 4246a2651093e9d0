package delivery_test

import (
	"os"
	"os/exec"
	"sync/atomic"
	"testing"
	"time"

	"porter"
	"porter/delivery"
	"porter/storetest"
	"porter/webhook"
)

// ghost leases what the outbox holds to a node that never sends it, for
// an hour, and registers the node as n.
func ghost(t *testing.T, f *fixture, n porter.Node) []*porter.QueuedDelivery {
	t.Helper()
	q := porter.NewWebhookQueue(f.svc, n.Name, webhook.NewAttemptID)
	leased, _, err := q.FanOut(f.ctx, 100, func(*porter.Subscription) (time.Time, bool) { return f.svc.Now().Add(time.Hour), true })
	if err != nil || len(leased) == 0 {
		t.Fatalf("ghost leased %v, %v", leased, err)
	}
	if _, err := f.svc.Store.(porter.NodeStore).Heartbeat(f.ctx, n, n.HeartbeatAt); err != nil {
		t.Fatal(err)
	}
	return leased
}

func nodeNames(t *testing.T, f *fixture) []string {
	t.Helper()
	all, err := f.svc.Store.(porter.NodeStore).Nodes(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, n := range all {
		out = append(out, n.Name)
	}
	return out
}

// A node started on the host of one killed with -9 sends what the dead
// one held at once, not when its leases lapse; a clean stop leaves no row.
func TestDeadProcessReleasedAtStart(t *testing.T) {
	exited := exec.Command("true")
	if err := exited.Run(); err != nil {
		t.Skipf("no process to outlive: %v", err)
	}
	host, _ := os.Hostname()
	if ns, err := os.Readlink("/proc/self/ns/pid"); err == nil {
		host += " " + ns
	}
	for _, tc := range []struct {
		name   string
		dead   string // the dead node's name; the test's node is node-test
		hasRow bool
	}{
		{"another node", "killed", true},
		{"this node's name (PORTER_NODE), restarted", "node-test", true},
		{"this node's name, no row", "node-test", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, s porter.Store) {
				rc := newReceiver(t, nil)
				f := newFixture(t, s)
				f.webhook(porter.WebhookInput{URL: rc.URL, Events: []string{"property.created"}})
				f.property("A")
				now := f.svc.Now().UTC().Truncate(time.Microsecond)
				held := ghost(t, f, porter.Node{Name: tc.dead, Host: host, PID: exited.Process.Pid, StartedAt: now, HeartbeatAt: now})
				if !tc.hasRow {
					if err := s.(porter.NodeStore).DeleteNode(f.ctx, porter.Node{Name: tc.dead, StartedAt: now}); err != nil {
						t.Fatal(err)
					}
				}

				f.run(delivery.Config{})
				r := rc.next(t)
				if id := r.Header.Get("X-Pm-Delivery"); id == held[0].LeaseToken {
					t.Fatalf("the dead node's attempt id %s was reused", id)
				}
				d := f.wait(held[0].WebhookID, "succeeded", status(porter.DeliverySucceeded))
				if d.ID != held[0].ID || d.AttemptCount != 2 {
					t.Fatalf("the dead node's delivery: %+v", d)
				}
				if names := nodeNames(t, f); len(names) != 1 || names[0] != "node-test" {
					t.Fatalf("nodes while running: %v", names)
				}
				f.stop()
				if names := nodeNames(t, f); len(names) != 0 {
					t.Fatalf("nodes after a clean stop: %v", names)
				}
			})
		})
	}
}

// A node on this host lives as long as its process, however silent, and
// is found dead on the first sweep after its process ends.
func TestDeadProcessReleasedOnSweep(t *testing.T) {
	host, _ := os.Hostname()
	if ns, err := os.Readlink("/proc/self/ns/pid"); err == nil {
		host += " " + ns
	}
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		proc := exec.Command("sleep", "60")
		if err := proc.Start(); err != nil {
			t.Skipf("no process to watch: %v", err)
		}
		defer func() { proc.Process.Kill(); proc.Wait() }()
		rc := newReceiver(t, nil)
		f := newFixture(t, s)
		f.webhook(porter.WebhookInput{URL: rc.URL, Events: []string{"property.created"}})
		f.property("A")
		// Its heartbeat an hour old: only the process tells.
		old := f.svc.Now().Add(-time.Hour).UTC().Truncate(time.Microsecond)
		held := ghost(t, f, porter.Node{Name: "neighbour", Host: host, PID: proc.Process.Pid, StartedAt: old, HeartbeatAt: old})

		f.run(delivery.Config{SweepInterval: 20 * time.Millisecond})
		time.Sleep(300 * time.Millisecond) // many sweeps
		if n := rc.count(); n != 0 {
			t.Fatalf("%d deliveries of a live process's leases", n)
		}
		proc.Process.Kill()
		proc.Wait() // reaped: a zombie still counts as a process
		rc.next(t)
		if d := f.wait(held[0].WebhookID, "succeeded", status(porter.DeliverySucceeded)); d.ID != held[0].ID {
			t.Fatalf("delivered %+v", d)
		}
	})
}

// A node elsewhere is dead once its heartbeat has not changed for
// DeadAfter by this node's clock (moved here, not slept), and not before.
func TestSilentNodeReleased(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		rc := newReceiver(t, nil)
		f := newFixture(t, s)
		var skew atomic.Int64
		f.svc.Now = func() time.Time { return time.Now().Add(time.Duration(skew.Load())) }
		f.webhook(porter.WebhookInput{URL: rc.URL, Events: []string{"property.created"}})
		f.property("A")
		now := f.svc.Now().UTC().Truncate(time.Microsecond)
		other := porter.Node{Name: "elsewhere", Host: "another-host", PID: os.Getpid(), StartedAt: now, HeartbeatAt: now}
		held := ghost(t, f, other)

		const deadAfter = 10 * time.Second
		f.run(delivery.Config{SweepInterval: 20 * time.Millisecond, Nodes: delivery.NodeConfig{Heartbeat: 2 * time.Second, DeadAfter: deadAfter}})
		ns := s.(porter.NodeStore)
		settle := func() { time.Sleep(200 * time.Millisecond) } // several sweeps
		// Beating, it lives however far the clock moves.
		for range 4 {
			settle()
			skew.Add(int64(deadAfter / 2))
			other.HeartbeatAt = f.svc.Now().UTC().Truncate(time.Microsecond)
			if _, err := ns.Heartbeat(f.ctx, other, other.HeartbeatAt); err != nil {
				t.Fatal(err)
			}
		}
		settle()
		if n := rc.count(); n != 0 {
			t.Fatalf("%d deliveries of a live node's leases", n)
		}
		// Silent for less than DeadAfter: still alive.
		skew.Add(int64(deadAfter - time.Second))
		settle()
		if n := rc.count(); n != 0 {
			t.Fatalf("%d deliveries before DeadAfter", n)
		}
		skew.Add(int64(2 * time.Second))
		rc.next(t)
		d := f.wait(held[0].WebhookID, "succeeded", status(porter.DeliverySucceeded))
		if d.ID != held[0].ID {
			t.Fatalf("delivered %+v", d)
		}
		if names := nodeNames(t, f); len(names) != 1 || names[0] != "node-test" {
			t.Fatalf("nodes after the silent one was released: %v", names)
		}
	})
}
