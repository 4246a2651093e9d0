// Package storetest gives tests a fresh, migrated store on every engine:
// SQLite in a temporary file, and PostgreSQL in a throwaway server that it
// starts itself (or at PORTER_TEST_POSTGRES_URL when that is set).
package storetest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"porter"
	"porter/postgres"
	"porter/sqlite"
)

// Engine names, as subtests are named.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

// Engines lists the engines every storage and HTTP test runs against.
var Engines = []string{SQLite, Postgres}

// Main runs a test binary's tests and then stops any PostgreSQL server
// they started. Call it from TestMain: os.Exit(storetest.Main(m)).
func Main(m *testing.M) int {
	code := m.Run()
	stopServer()
	reportSkips()
	return code
}

// skipped counts the tests skipped for want of PostgreSQL; skipReason is why.
var (
	skipped    atomic.Int64
	skipReason atomic.Value // string
)

// skipBanner is what a test binary says at its end when it skipped
// PostgreSQL tests: passing with only SQLite tested must not look like a
// full pass.
func skipBanner(n int64, reason string) string {
	line := strings.Repeat("=", 72)
	return fmt.Sprintf("%s\nWARNING: %d PostgreSQL test(s) of %s were SKIPPED: only SQLite was tested.\n  Why: %s\n"+
		"  To run them: apt-get install -y postgresql (the tests start their own server),\n"+
		"  or set PORTER_TEST_POSTGRES_URL to a server where the user may create databases.\n"+
		"  Set PORTER_TEST_REQUIRE_POSTGRES=1 to fail instead of skipping (CI does).\n%s\n",
		line, n, filepath.Base(os.Args[0]), reason, line)
}

// reportSkips prints the banner to stderr and, since go test ./... hides
// the output of a passing package, to the terminal too when there is one.
func reportSkips() {
	n := skipped.Load()
	if n == 0 {
		return
	}
	reason, _ := skipReason.Load().(string)
	banner := skipBanner(n, reason)
	fmt.Fprint(os.Stderr, banner)
	if fi, err := os.Stderr.Stat(); err == nil && fi.Mode()&os.ModeCharDevice == 0 {
		if tty, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0); err == nil {
			fmt.Fprint(tty, banner)
			tty.Close()
		}
	}
}

// Each runs fn once per engine, as subtests named after the engines, each
// with a fresh empty store.
func Each(t *testing.T, fn func(t *testing.T, s porter.Store)) {
	t.Helper()
	for _, engine := range Engines {
		t.Run(engine, func(t *testing.T) { fn(t, Open(t, engine)) })
	}
}

// Open returns a fresh, migrated store on engine, closed when t ends.
func Open(t testing.TB, engine string) porter.Store {
	t.Helper()
	return OpenWith(t, engine, nil)
}

// Counter counts the SQL statements a store runs, for tests that bound a
// request's queries.
type Counter struct{ n, q atomic.Int64 }

// Count returns the statements counted since the last Reset, BEGIN and
// COMMIT included.
func (c *Counter) Count() int { return int(c.n.Load()) }

// Queries returns the statements other than transaction control (BEGIN,
// COMMIT, ROLLBACK) since the last Reset: the reads and writes.
func (c *Counter) Queries() int { return int(c.q.Load()) }

// Reset starts counting from zero.
func (c *Counter) Reset() { c.n.Store(0); c.q.Store(0) }

func (c *Counter) add(query string) {
	// SQLite's writer checkpoints the WAL on its own, 20 ms after the
	// last write: housekeeping no request runs, which would otherwise land
	// in whichever request is being counted then.
	if strings.HasPrefix(strings.TrimSpace(query), "PRAGMA wal_checkpoint") {
		return
	}
	c.n.Add(1)
	word, _, _ := strings.Cut(strings.TrimSpace(query), " ")
	switch strings.ToUpper(strings.TrimSuffix(word, ";")) {
	case "BEGIN", "COMMIT", "ROLLBACK", "END":
	default:
		c.q.Add(1)
	}
}

// OpenCounting returns a fresh, migrated store on engine whose every
// statement c counts.
func OpenCounting(t testing.TB, engine string) (porter.Store, *Counter) {
	t.Helper()
	c := &Counter{}
	return OpenWith(t, engine, c.add), c
}

// OpenWith returns a fresh, migrated store on engine that calls
// onStatement (when not nil) with every statement it runs.
func OpenWith(t testing.TB, engine string, onStatement func(query string)) porter.Store {
	t.Helper()
	ctx := context.Background()
	switch engine {
	case SQLite:
		db, err := sqlite.OpenWith(filepath.Join(t.TempDir(), "porter.db"), sqlite.Options{OnStatement: onStatement})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		if err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		return db
	case Postgres:
		url := PostgresURL(t)
		db, err := postgres.OpenWith(ctx, url, postgres.Options{OnStatement: onStatement})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	t.Fatalf("unknown engine %q", engine)
	return nil
}

var dbSeq atomic.Int64

// EmptyPostgresURL returns the URL of a fresh database with no tables,
// dropped when t ends: for tests of migrations themselves.
func EmptyPostgresURL(t testing.TB) string {
	t.Helper()
	return newDatabase(t, "template0")
}

// PostgresURL returns the URL of a fresh database, migrated, cloned from a
// template, and dropped when t ends. It skips t when no PostgreSQL can be
// had, unless PORTER_TEST_REQUIRE_POSTGRES is set (as CI sets it).
func PostgresURL(t testing.TB) string {
	t.Helper()
	tmpl, err := template(adminURL(t))
	if err != nil {
		t.Fatalf("postgres template: %v", err)
	}
	return newDatabase(t, tmpl)
}

// adminURL is the server's admin URL. It skips t when no PostgreSQL can
// be had, unless PORTER_TEST_REQUIRE_POSTGRES is set (as CI sets it).
func adminURL(t testing.TB) string {
	t.Helper()
	admin, err := server()
	if err != nil {
		if os.Getenv("PORTER_TEST_REQUIRE_POSTGRES") != "" {
			t.Fatalf("PostgreSQL is required: %v", err)
		}
		skipped.Add(1)
		skipReason.CompareAndSwap(nil, err.Error())
		t.Skipf("PostgreSQL tests skipped: %v", err)
	}
	return admin
}

func newDatabase(t testing.TB, tmpl string) string {
	t.Helper()
	admin := adminURL(t)
	name := fmt.Sprintf("porter_test_%d_%d", os.Getpid(), dbSeq.Add(1))
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, fmt.Sprintf("CREATE DATABASE %s TEMPLATE %s", name, tmpl)); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, admin)
		if err != nil {
			return
		}
		defer conn.Close(ctx)
		_, _ = conn.Exec(ctx, fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", name))
	})
	return withDatabase(admin, name)
}
