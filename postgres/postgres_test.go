package postgres_test

import (
	"context"
	"os"
	"porter"
	"sync"
	"testing"
	"time"

	"porter/postgres"
	"porter/storetest"

	"github.com/jackc/pgx/v5/pgconn"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

// Several nodes starting at once all migrate; one does the work and the
// others wait for its lock, and none fails.
func TestConcurrentMigrate(t *testing.T) {
	url := storetest.EmptyPostgresURL(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			db, err := postgres.Open(ctx, url)
			if err != nil {
				errs <- err
				return
			}
			defer db.Close()
			errs <- db.Migrate(ctx)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}

// Only one node holds a named scheduler lock at a time.
func TestTryLockAcrossNodes(t *testing.T) {
	url := storetest.PostgresURL(t)
	ctx := context.Background()
	a, err := postgres.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := postgres.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	release, ok, err := a.TryLock(ctx, "lease-scheduler")
	if err != nil || !ok {
		t.Fatalf("first lock: %v %v", ok, err)
	}
	if _, ok, err := b.TryLock(ctx, "lease-scheduler"); err != nil || ok {
		t.Fatalf("second node got the lock: %v %v", ok, err)
	}
	if r, ok, _ := b.TryLock(ctx, "another"); !ok {
		t.Fatal("other names must not contend")
	} else {
		r()
	}
	release()
	if r, ok, err := b.TryLock(ctx, "lease-scheduler"); err != nil || !ok {
		t.Fatalf("after release: %v %v", ok, err)
	} else {
		r()
	}
}

// The rate limit is one count per key and window across nodes.
func TestRateLimitAcrossNodes(t *testing.T) {
	url := storetest.PostgresURL(t)
	ctx := context.Background()
	window := time.Date(2025, 5, 9, 14, 30, 0, 0, time.UTC)
	var counts []int
	for i := 0; i < 3; i++ {
		db, err := postgres.Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		n, err := db.RateLimit(ctx, 42, window)
		if err != nil {
			t.Fatal(err)
		}
		counts = append(counts, n)
	}
	if counts[0] != 1 || counts[1] != 2 || counts[2] != 3 {
		t.Fatalf("counts %v", counts)
	}
}

// Concurrent requests of one key on two nodes are counted together in
// batches, yet each gets its own place in the count: 1 to n, once each.
func TestRateLimitCoalesced(t *testing.T) {
	url := storetest.PostgresURL(t)
	ctx := context.Background()
	window := time.Date(2025, 5, 9, 14, 31, 0, 0, time.UTC)
	var nodes []*postgres.DB
	for range 2 {
		db, err := postgres.Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		nodes = append(nodes, db)
	}
	const requests = 200
	counts := make([]int, requests)
	errs := make([]error, requests)
	var wg sync.WaitGroup
	for i := range requests {
		wg.Add(1)
		go func() {
			defer wg.Done()
			counts[i], errs[i] = nodes[i%2].RateLimit(ctx, 43, window)
		}()
	}
	wg.Wait()
	seen := map[int]bool{}
	for i, n := range counts {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		if n < 1 || n > requests || seen[n] {
			t.Fatalf("count %d twice or out of 1..%d: %v", n, requests, counts)
		}
		seen[n] = true
	}
}

// A transaction PostgreSQL aborts to break a deadlock runs again; any
// other error returns at once.
func TestUpdateRetriesDeadlocks(t *testing.T) {
	d, err := postgres.Open(context.Background(), storetest.PostgresURL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	for _, c := range []struct {
		code      string
		failures  int
		wantCalls int
		wantErr   bool
	}{
		{"40P01", 1, 2, false}, // deadlock_detected
		{"40001", 2, 3, false}, // serialization_failure
		{"40P01", 5, 3, true},  // gives up after three
		{"23505", 1, 1, true},  // unique_violation: not retried
	} {
		calls := 0
		err := d.Update(context.Background(), 1, func(porter.Tx) error {
			calls++
			if calls <= c.failures {
				return &pgconn.PgError{Code: c.code}
			}
			return nil
		})
		if calls != c.wantCalls || (err != nil) != c.wantErr {
			t.Errorf("%s failing %d times: %d calls, err %v", c.code, c.failures, calls, err)
		}
	}
}

// Events committed on one node wake the other node's watchers (its
// fan-out and event streams) through NOTIFY; the committing node's own
// watchers are woken directly.
func TestEventsWakeOtherNodes(t *testing.T) {
	url := storetest.PostgresURL(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a, err := postgres.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if err := a.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	b, err := postgres.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	wa, wb := a.WatchQueue(ctx), b.WatchQueue(ctx)
	// Each listener wakes its watchers once it is listening; wait for that
	// and let anything else settle.
	for _, w := range []porter.QueueWatch{wa, wb} {
		select {
		case <-w.Events:
		case <-time.After(10 * time.Second):
			t.Fatal("listener never connected")
		}
	}
	svc := porter.NewService(a, "", nil)
	org, err := svc.CreateOrganization(ctx, "Acme")
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []porter.QueueWatch{wa, wb} {
		for drained := false; !drained; {
			select {
			case <-w.Events:
			case <-w.Deliveries:
			case <-time.After(300 * time.Millisecond):
				drained = true
			}
		}
	}
	name := "Harbour View"
	if _, err := svc.CreateProperty(ctx, org.ID, porter.PropertyInput{Name: &name}); err != nil {
		t.Fatal(err)
	}
	for i, w := range []porter.QueueWatch{wa, wb} {
		select {
		case <-w.Events:
		case <-time.After(10 * time.Second):
			t.Fatalf("node %d was not woken by an event committed on node 0", i)
		}
	}
}
