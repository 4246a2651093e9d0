package storetest

import (
	"strings"
	"testing"
)

// The banner says how many were skipped, why, and how to run them.
func TestSkipBanner(t *testing.T) {
	got := skipBanner(37, "PostgreSQL is not installed")
	for _, want := range []string{"37 PostgreSQL test(s)", "SKIPPED", "only SQLite was tested", "PostgreSQL is not installed",
		"apt-get install -y postgresql", "PORTER_TEST_POSTGRES_URL", "PORTER_TEST_REQUIRE_POSTGRES=1"} {
		if !strings.Contains(got, want) {
			t.Errorf("banner lacks %q:\n%s", want, got)
		}
	}
}

// The server's CPU time is readable once it runs, and grows with work.
func TestPostgresCPU(t *testing.T) {
	adminURL(t) // skips, or fails under PORTER_TEST_REQUIRE_POSTGRES, without one
	defer stopServer()
	if serverProc == nil {
		t.Skip("an external PostgreSQL: its CPU is not ours to read")
	}
	before, err := PostgresCPU()
	if err != nil {
		t.Fatal(err)
	}
	if before <= 0 {
		t.Fatalf("a started server used %s of CPU", before)
	}
}
