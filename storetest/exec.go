package storetest

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"porter"
	"porter/postgres"
	"porter/sqlite"
)

// Exec runs one statement on s directly, for tests that need rows whose
// resource has no service yet. Write placeholders as ?; they become $n on
// PostgreSQL. Times are written as SQLite's text form, which PostgreSQL
// also reads: use TS.
func Exec(t testing.TB, s porter.Store, query string, args ...any) {
	t.Helper()
	ctx := context.Background()
	var err error
	switch db := s.(type) {
	case *sqlite.DB:
		_, err = db.SQL().ExecContext(ctx, query, args...)
	case *postgres.DB:
		n := 0
		var b strings.Builder
		for _, r := range query {
			if r == '?' {
				n++
				fmt.Fprintf(&b, "$%d", n)
				continue
			}
			b.WriteRune(r)
		}
		_, err = db.Pool().Exec(ctx, b.String(), args...)
	default:
		t.Fatalf("storetest.Exec: unknown store %T", s)
	}
	if err != nil {
		t.Fatalf("storetest.Exec %q: %v", query, err)
	}
}

// TS is a time as both engines accept it in Exec.
const TS = "2025-01-01T00:00:00.000000Z"
