package sqlite

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"porter"
)

func openMigrated(t *testing.T) (*DB, int64) {
	t.Helper()
	d, err := Open(filepath.Join(t.TempDir(), "w.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	if err := d.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	org := &porter.Organization{Name: "Acme", CreatedAt: time.Now()}
	if err := d.CreateOrganization(context.Background(), org); err != nil {
		t.Fatal(err)
	}
	return d, org.ID
}

// Concurrent writes share commits, yet each succeeds or fails alone: a
// failing write leaves nothing behind and takes no other write with it.
func TestGroupCommitIsolatesFailures(t *testing.T) {
	d, org := openMigrated(t)
	ctx := context.Background()
	const n = 400
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = d.Update(ctx, org, func(tx porter.Tx) error {
				now := time.Now()
				p := &porter.Property{Name: fmt.Sprintf("P%d", i), Status: "active", CreatedAt: now, UpdatedAt: now}
				if err := tx.InsertProperty(ctx, p); err != nil {
					return err
				}
				if i%3 == 0 {
					return fmt.Errorf("write %d fails", i)
				}
				return nil
			})
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if (i%3 == 0) != (err != nil) {
			t.Fatalf("write %d: %v", i, err)
		}
	}
	var total int
	err := d.View(ctx, org, func(tx porter.Tx) error {
		l, err := tx.Properties(ctx, porter.PropertyFilter{ListParams: porter.ListParams{Page: 1, PerPage: 100}})
		total = l.Total
		for _, p := range l.Items {
			var i int
			fmt.Sscanf(p.Name, "P%d", &i)
			if i%3 == 0 {
				return fmt.Errorf("failed write %d left %s", i, p.Name)
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := n - (n+2)/3; total != want {
		t.Fatalf("%d properties, want %d", total, want)
	}
}

// A panic inside a write reaches the caller's goroutine, and the writer
// keeps serving others.
func TestGroupCommitPanic(t *testing.T) {
	d, org := openMigrated(t)
	ctx := context.Background()
	func() {
		defer func() {
			v := recover()
			if v == nil || !strings.Contains(fmt.Sprint(v), "boom") {
				t.Fatalf("recovered %v", v)
			}
		}()
		d.Update(ctx, org, func(tx porter.Tx) error { panic("boom") })
	}()
	if err := d.Update(ctx, org, func(tx porter.Tx) error { return nil }); err != nil {
		t.Fatal(err)
	}
}

// A write whose context has ended before it runs is not run.
func TestGroupCommitCancelled(t *testing.T) {
	d, org := openMigrated(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ran := false
	err := d.Update(ctx, org, func(tx porter.Tx) error { ran = true; return nil })
	if !errors.Is(err, context.Canceled) || ran {
		t.Fatalf("err %v, ran %v", err, ran)
	}
	d.Close()
	if err := d.Update(context.Background(), org, func(tx porter.Tx) error { return nil }); !errors.Is(err, errClosed) {
		t.Fatalf("after close: %v", err)
	}
}
