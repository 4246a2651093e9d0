package stream_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"porter"
	"porter/storetest"
	"porter/stream"
)

func TestMain(m *testing.M) {
	if spec := os.Getenv("PORTER_STREAM_BENCH_CLIENTS"); spec != "" {
		runBenchClients(spec) // BenchmarkStream's clients, in their own process
		return
	}
	os.Exit(storetest.Main(m))
}

// hubOn runs a hub over s until the test ends.
func hubOn(t *testing.T, s porter.Store) *stream.Hub {
	t.Helper()
	h := stream.NewHub(s.(porter.EventFeed), nil)
	h.Poll = 20 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { h.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return h
}

func newOrg(t *testing.T, s porter.Store, name string) int64 {
	t.Helper()
	org := &porter.Organization{Name: name, CreatedAt: time.Now()}
	if err := s.CreateOrganization(context.Background(), org); err != nil {
		t.Fatal(err)
	}
	return org.ID
}

// fire commits one event of org, of type typ.
func fire(t *testing.T, s porter.Store, org int64, typ string) int64 {
	t.Helper()
	var seq int64
	err := s.Update(context.Background(), org, func(tx porter.Tx) error {
		e := &porter.Event{OrgID: org, Type: typ, FiredAt: time.Now().UTC(), ResourceType: "property", ResourceID: 1, Data: []byte(`{}`)}
		err := tx.InsertEvent(context.Background(), e)
		seq = e.Seq
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return seq
}

func all(*porter.Event) bool { return true }

// taken holds what recv took from a subscriber but has not returned yet.
var taken = map[*stream.Sub][]*stream.Frame{}

func recv(t *testing.T, sub *stream.Sub) *porter.Event {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for len(taken[sub]) == 0 {
		select {
		case <-sub.Ready():
			taken[sub] = sub.Take(taken[sub])
		case <-sub.Done():
			t.Fatalf("dropped: %s", sub.Reason())
		case <-deadline:
			t.Fatal("no event within 10 s")
		}
	}
	f := taken[sub][0]
	taken[sub] = taken[sub][1:]
	return f.Event
}

func TestHubFansOutByOrganizationAndDropsTheSlow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		ctx := context.Background()
		a, b := newOrg(t, s, "A"), newOrg(t, s, "B")
		h := hubOn(t, s)
		h.Buffer = 3
		fast, _, err := h.Subscribe(ctx, a, all)
		if err != nil {
			t.Fatal(err)
		}
		slow, _, _ := h.Subscribe(ctx, a, all)
		other, _, _ := h.Subscribe(ctx, b, func(e *porter.Event) bool { return e.Type == "property.updated" })

		var want []int64
		for range 10 {
			want = append(want, fire(t, s, a, "property.created"))
			if got := recv(t, fast); got.Seq != want[len(want)-1] || got.OrgID != a {
				t.Fatalf("fast got %d of org %d, want %d", got.Seq, got.OrgID, want[len(want)-1])
			}
		}
		// slow read nothing: dropped once its buffer of 3 was full, with a
		// reason, while fast got every event in order.
		select {
		case <-slow.Done():
			if !strings.Contains(slow.Reason(), "too slow") {
				t.Fatalf("reason %q", slow.Reason())
			}
		case <-time.After(10 * time.Second):
			t.Fatal("the slow subscriber was never dropped")
		}
		// B saw nothing of A's, and gets its own matching events.
		fire(t, s, b, "property.created")
		upd := fire(t, s, b, "property.updated")
		if got := recv(t, other); got.Seq != upd {
			t.Fatalf("other got %d, want %d", got.Seq, upd)
		}
		if n := h.Subscribers(); n != 2 {
			t.Fatalf("%d subscribers, want 2", n)
		}
		h.Unsubscribe(fast)
		h.Unsubscribe(fast) // twice is fine
		h.Stop()
		select {
		case <-other.Done():
			if !strings.Contains(other.Reason(), "shutting down") {
				t.Fatalf("reason %q", other.Reason())
			}
		default:
			t.Fatal("Stop left a subscriber")
		}
		if _, _, err := h.Subscribe(ctx, a, all); err == nil {
			t.Fatal("a stopped hub took a subscriber")
		}
	})
}

func TestHubLimitsStreamsPerOrganization(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		ctx := context.Background()
		a, b := newOrg(t, s, "A"), newOrg(t, s, "B")
		h := hubOn(t, s)
		h.MaxPerOrg = 1
		first, _, err := h.Subscribe(ctx, a, all)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := h.Subscribe(ctx, a, all); err == nil {
			t.Fatal("a second stream of A was taken")
		}
		if _, _, err := h.Subscribe(ctx, b, all); err != nil {
			t.Fatalf("B is refused for A's streams: %v", err)
		}
		h.Unsubscribe(first)
		if _, _, err := h.Subscribe(ctx, a, all); err != nil {
			t.Fatalf("a freed share: %v", err)
		}
	})
}

// On PostgreSQL a sequence number is taken before its transaction commits,
// so a later number can commit first: the hub waits for the skipped one.
func TestHubSendsAnEventThatCommitsAfterALaterOne(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		if !strings.Contains(t.Name(), "postgres") {
			t.Skip("SQLite commits one writer at a time, in sequence order")
		}
		ctx := context.Background()
		a := newOrg(t, s, "A")
		h := hubOn(t, s)
		sub, _, err := h.Subscribe(ctx, a, all)
		if err != nil {
			t.Fatal(err)
		}
		inserted, release, committed := make(chan int64), make(chan struct{}), make(chan error)
		go func() {
			committed <- s.Update(ctx, a, func(tx porter.Tx) error {
				e := &porter.Event{OrgID: a, Type: "property.created", FiredAt: time.Now().UTC(), ResourceType: "property", ResourceID: 1, Data: []byte(`{}`)}
				if err := tx.InsertEvent(ctx, e); err != nil {
					return err
				}
				inserted <- e.Seq
				<-release
				return nil
			})
		}()
		early := <-inserted
		late := fire(t, s, a, "property.updated")
		if got := recv(t, sub); got.Seq != late {
			t.Fatalf("got %d first, want %d", got.Seq, late)
		}
		close(release)
		if err := <-committed; err != nil {
			t.Fatal(err)
		}
		if got := recv(t, sub); got.Seq != early {
			t.Fatalf("got %d, want the earlier number %d", got.Seq, early)
		}
	})
}

// A subscriber counts its organization's events, not only its own, towards
// falling behind; one whose filter passes none of them is never behind.
func TestHubKeepsASubscriberTheEventsPass(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		ctx := context.Background()
		a := newOrg(t, s, "A")
		h := hubOn(t, s)
		h.Buffer = 3
		fast, _, _ := h.Subscribe(ctx, a, all)
		none, _, _ := h.Subscribe(ctx, a, func(e *porter.Event) bool { return e.Type == "lease.created" })
		for range 10 {
			want := fire(t, s, a, "property.created")
			if got := recv(t, fast); got.Seq != want {
				t.Fatalf("fast got %d, want %d", got.Seq, want)
			}
		}
		select {
		case <-none.Done():
			t.Fatalf("dropped: %s", none.Reason())
		default:
		}
		want := fire(t, s, a, "lease.created")
		if got := recv(t, none); got.Seq != want {
			t.Fatalf("got %d, want %d", got.Seq, want)
		}
	})
}
