package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// Pragmas are in the DSN, so every pooled connection has them, not just
// the first one.
func TestPragmasOnEveryConnection(t *testing.T) {
	d, err := Open(filepath.Join(t.TempDir(), "p.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	ctx := context.Background()
	// Hold several read connections at once so the pool opens more than one.
	var conns []*sql.Conn
	for i := 0; i < 4; i++ {
		c, err := d.read.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	for i, c := range conns {
		var mode string
		var sync, fk, qo int
		c.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode)
		c.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&sync)
		c.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk)
		c.QueryRowContext(ctx, "PRAGMA query_only").Scan(&qo)
		if mode != "wal" || sync != 1 || fk != 1 || qo != 1 {
			t.Fatalf("read conn %d: journal_mode=%s synchronous=%d foreign_keys=%d query_only=%d", i, mode, sync, fk, qo)
		}
		c.Close()
	}
	var fk int
	d.write.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk)
	if fk != 1 {
		t.Fatal("write conn lacks foreign_keys")
	}
}

// Times are stored one way: fixed-width UTC, so string order is time order.
func TestTimeFormat(t *testing.T) {
	a := time.Date(2025, 5, 9, 14, 30, 0, 0, time.FixedZone("x", 3600))
	b := a.Add(time.Microsecond)
	if ts(a) != "2025-05-09T13:30:00.000000Z" || !(ts(a) < ts(b)) || !pts(ts(b)).Equal(b) {
		t.Fatalf("ts(a)=%s ts(b)=%s", ts(a), ts(b))
	}
}

// The in-memory rate limiter counts per key and window, safely under load.
func TestRateLimitInMemory(t *testing.T) {
	d, err := Open(filepath.Join(t.TempDir(), "p.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	w := time.Date(2025, 5, 9, 14, 30, 0, 0, time.UTC)
	var wg sync.WaitGroup
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); d.RateLimit(context.Background(), 1, w) }()
	}
	wg.Wait()
	if n, _ := d.RateLimit(context.Background(), 1, w); n != 51 {
		t.Fatalf("count %d", n)
	}
	if n, _ := d.RateLimit(context.Background(), 1, w.Add(time.Minute)); n != 1 {
		t.Fatalf("new window count %d", n)
	}
}
