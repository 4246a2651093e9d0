package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	porterhttp "porter/http"
)

// A node started with PORTER_TEST_CRASH_AFTER_WRITE=1 kills itself (-9)
// the moment a keyed POST's handler has written, before anything else
// happens: the point where a crash used to leave the write committed and
// its response unremembered. PORTER_TEST_CLOCK_AHEAD moves a node's clock
// forward, to play a retry that comes later.
func init() {
	if os.Getenv("PORTER_TEST_CRASH_AFTER_WRITE") == "1" {
		crash := func() { syscall.Kill(os.Getpid(), syscall.SIGKILL) }
		porterhttp.CrashAfterWrite.Store(&crash)
	}
	if d, err := time.ParseDuration(os.Getenv("PORTER_TEST_CLOCK_AHEAD")); err == nil {
		clockAhead = d
	}
}

// keyedPost sends a POST with an Idempotency-Key to a node: a JSON body,
// or a multipart one (an upload) when it starts with the boundary.
func keyedPost(n *node, key, idem, path, body string) (int, http.Header, []byte, error) {
	req, _ := http.NewRequest("POST", n.base+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/json")
	if strings.HasPrefix(body, "--"+uploadBoundary) {
		req.Header.Set("Content-Type", "multipart/form-data; boundary="+uploadBoundary)
	}
	req.Header.Set("Idempotency-Key", idem)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, b, err
}

// uploadBoundary separates the parts of the crash test's upload.
const uploadBoundary = "crash-boundary"

// upload is a multipart document upload of a small PDF to a property.
func upload(propertyID string) string {
	part := func(name, extra, value string) string {
		return "--" + uploadBoundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"" + extra + "\r\n\r\n" + value + "\r\n"
	}
	return part("scope", "", "property") + part("scope_id", "", propertyID) +
		part("file", "; filename=\"lease.pdf\"\r\nContent-Type: application/pdf", "%PDF-1.4 written once") + "--" + uploadBoundary + "--\r\n"
}

// TestCrashIdempotencyKeyWritesOnce: kill -9 right after a keyed POST's
// write commits, restart, and retry with the same key after the
// stale-claim window (a minute): the retry replays the response the write
// committed with, byte for byte, and the record exists once. When the
// response was stored in a transaction of its own, this retry found an
// unfinished claim, took it over and wrote a second record. Beside a
// plain create, a review (201, or 200 when already received) and an
// upload (multipart), which stored their response after the write before.
func TestCrashIdempotencyKeyWritesOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("starts porter processes")
	}
	for engine, db := range databases(t) {
		t.Run(engine, func(t *testing.T) {
			env, key := crashSetup(t, db)
			with := func(k, v string) map[string]string {
				out := map[string]string{k: v}
				for k, v := range env {
					out[k] = v
				}
				return out
			}
			count := func(q string) string {
				t.Helper()
				return queryText(t, db, q, strings.NewReplacer())
			}
			cases := []struct {
				name, path string
				body       func() string
				written    string // counts the records the request writes
				event      string
				read       string // where the record reads as the response
			}{
				{"property", "/v1/properties", func() string { return `{"name":"Written once"}` },
					`SELECT CAST(count(*) AS TEXT) FROM properties WHERE name = 'Written once'`, "property.created", "/v1/properties/"},
				{"review", "/v1/reviews", func() string { return `{"source":"direct","rating":4,"title":"Written once"}` },
					`SELECT CAST(count(*) AS TEXT) FROM reviews WHERE title = 'Written once'`, "review.received", "/v1/reviews/"},
				{"upload", "/v1/documents", func() string {
					return upload(count(`SELECT CAST(id AS TEXT) FROM properties WHERE name = 'Written once'`))
				}, `SELECT CAST(count(*) AS TEXT) FROM documents WHERE file_name = 'lease.pdf'`, "document.uploaded", "/v1/documents/"},
			}
			bodies := make([]string, len(cases))
			for i, c := range cases {
				bodies[i] = c.body()
				victim := startNode(t, with("PORTER_TEST_CRASH_AFTER_WRITE", "1"), "victim-"+c.name)
				if code, _, b, err := keyedPost(victim, key, "crash-"+c.name, c.path, bodies[i]); err == nil {
					t.Fatalf("%s: the victim answered %d %s: it did not die after the write", c.name, code, b)
				}
				select {
				case <-victim.exited:
				case <-time.After(10 * time.Second):
					t.Fatalf("%s: the victim is still running", c.name)
				}
				if n := count(c.written); n != "1" {
					t.Fatalf("%s: %s records after the crash, want 1 (the write committed)", c.name, n)
				}
			}

			retry := startNode(t, with("PORTER_TEST_CLOCK_AHEAD", "2m"), "retry")
			for i, c := range cases {
				code, hdr, first, err := keyedPost(retry, key, "crash-"+c.name, c.path, bodies[i])
				if err != nil || code != http.StatusCreated || hdr.Get("Idempotent-Replayed") != "true" {
					t.Fatalf("%s: retry: %d %v %s %v, want the 201 replayed", c.name, code, hdr, first, err)
				}
				code, _, again, err := keyedPost(retry, key, "crash-"+c.name, c.path, bodies[i])
				if err != nil || code != http.StatusCreated || !bytes.Equal(again, first) {
					t.Fatalf("%s: second retry: %d %s, want %s", c.name, code, again, first)
				}
				events := `SELECT CAST(count(*) AS TEXT) FROM events WHERE type = '` + c.event + `'`
				if n, e := count(c.written), count(events); n != "1" || e != "1" {
					t.Fatalf("%s: %s records and %s %s events after the retries, want 1 and 1", c.name, n, e, c.event)
				}
				// The replayed bytes are what the handler sends for that record.
				var p struct{ Data struct{ ID int64 } }
				if err := json.Unmarshal(first, &p); err != nil {
					t.Fatal(err)
				}
				req, _ := http.NewRequest("GET", retry.base+c.read+strconv.FormatInt(p.Data.ID, 10), nil)
				req.Header.Set("Authorization", "Bearer "+key)
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				got, err := io.ReadAll(res.Body)
				res.Body.Close()
				if code = res.StatusCode; err != nil || code != http.StatusOK || !bytes.Equal(got, first) {
					t.Fatalf("%s: GET the record: %d %s, replayed %s", c.name, code, got, first)
				}
			}
			retry.term(t)
		})
	}
}
