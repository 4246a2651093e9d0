package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
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

// The checkpointer copies committed writes into the database file while
// the writer is busy with another transaction: a checkpoint never holds up
// a write, and a write never holds up a checkpoint.
func TestCheckpointBesideTheWriter(t *testing.T) {
	dir := t.TempDir()
	d, err := Open(filepath.Join(dir, "w.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	ctx := context.Background()
	if err := d.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	org := &porter.Organization{Name: "Acme", CreatedAt: time.Now()}
	if err := d.CreateOrganization(ctx, org); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if err := d.Update(ctx, org.ID, func(tx porter.Tx) error {
		return tx.InsertProperty(ctx, &porter.Property{Name: "Checkpointed", Status: "active", CreatedAt: now, UpdatedAt: now})
	}); err != nil {
		t.Fatal(err)
	}
	// Hold the writer inside a transaction until the checkpoint is seen.
	inside, release := make(chan struct{}), make(chan struct{})
	held := make(chan error, 1)
	go func() {
		held <- d.Update(ctx, org.ID, func(tx porter.Tx) error {
			close(inside)
			<-release
			return nil
		})
	}()
	<-inside
	defer func() {
		close(release)
		if err := <-held; err != nil {
			t.Error(err)
		}
	}()
	d.wantCheckpoint()
	// The database file alone, without its WAL, has the property once the
	// checkpoint has run.
	deadline := time.Now().Add(10 * time.Second)
	for {
		if n := propertiesInFileAlone(t, filepath.Join(dir, "w.db")); n == 1 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("no checkpoint while the writer was busy")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// propertiesInFileAlone counts the properties in a copy of the database
// file made without its WAL.
func propertiesInFileAlone(t *testing.T, path string) int {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	cp := filepath.Join(t.TempDir(), "copy.db")
	if err := os.WriteFile(cp, b, 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := sql.Open("sqlite", "file:"+cp)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var n int
	if err := c.QueryRow("SELECT count(*) FROM properties WHERE name = 'Checkpointed'").Scan(&n); err != nil {
		return 0 // the copy may predate the migrations' checkpoint
	}
	return n
}
