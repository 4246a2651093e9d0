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

// keyedPost sends a POST with an Idempotency-Key to a node.
func keyedPost(n *node, key, idem, path, body string) (int, http.Header, []byte, error) {
	req, _ := http.NewRequest("POST", n.base+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", idem)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, b, err
}

// TestCrashIdempotencyKeyWritesOnce: kill -9 right after a keyed POST's
// write commits, restart, and retry with the same key after the
// stale-claim window (a minute): the retry replays the response the write
// committed with, byte for byte, and the property exists once. When the
// response was stored in a transaction of its own, this retry found an
// unfinished claim, took it over and wrote a second property.
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
			const body = `{"name":"Written once"}`
			written := `SELECT CAST(count(*) AS TEXT) FROM properties WHERE name = 'Written once'`
			events := `SELECT CAST(count(*) AS TEXT) FROM events WHERE type = 'property.created'`

			victim := startNode(t, with("PORTER_TEST_CRASH_AFTER_WRITE", "1"), "victim")
			if code, _, b, err := keyedPost(victim, key, "crash-1", "/v1/properties", body); err == nil {
				t.Fatalf("the victim answered %d %s: it did not die after the write", code, b)
			}
			select {
			case <-victim.exited:
			case <-time.After(10 * time.Second):
				t.Fatal("the victim is still running")
			}
			if n := count(written); n != "1" {
				t.Fatalf("%s properties after the crash, want 1 (the write committed)", n)
			}

			retry := startNode(t, with("PORTER_TEST_CLOCK_AHEAD", "2m"), "retry")
			code, hdr, first, err := keyedPost(retry, key, "crash-1", "/v1/properties", body)
			if err != nil || code != http.StatusCreated || hdr.Get("Idempotent-Replayed") != "true" {
				t.Fatalf("retry: %d %v %s %v, want the 201 replayed", code, hdr, first, err)
			}
			code, _, again, err := keyedPost(retry, key, "crash-1", "/v1/properties", body)
			if err != nil || code != http.StatusCreated || !bytes.Equal(again, first) {
				t.Fatalf("second retry: %d %s, want %s", code, again, first)
			}
			if n, e := count(written), count(events); n != "1" || e != "1" {
				t.Fatalf("%s properties and %s property.created events after the retries, want 1 and 1", n, e)
			}
			// The replayed bytes are what the handler sends for that property.
			var p struct{ Data struct{ ID int64 } }
			if err := json.Unmarshal(first, &p); err != nil {
				t.Fatal(err)
			}
			req, _ := http.NewRequest("GET", retry.base+"/v1/properties/"+strconv.FormatInt(p.Data.ID, 10), nil)
			req.Header.Set("Authorization", "Bearer "+key)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(res.Body)
			res.Body.Close()
			if code = res.StatusCode; err != nil || code != http.StatusOK || !bytes.Equal(got, first) {
				t.Fatalf("GET the property: %d %s, replayed %s", code, got, first)
			}
			retry.term(t)
		})
	}
}
