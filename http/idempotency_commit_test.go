package http_test

import (
	"net/http"
	"strings"
	"testing"

	porterhttp "porter/http"
)

// The response to a keyed POST commits with its write: a request whose
// handler dies right after the write (the process would be killed there:
// cmd/porter's TestCrashIdempotencyKey does it with kill -9) leaves a key
// that the retry replays at once, byte for byte, writing nothing more.
// Before, the claim stayed unfinished: 409 for a minute, then a second
// write.
func TestIdempotencyKeyCommitsWithTheWrite(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		for _, c := range []struct{ path, body, read string }{
			{"/v1/properties", `{"name":"Once"}`, "/v1/properties/"},
			// porter trigger's test event: a retry must not fire a second.
			{"/v1/events/trigger", `{"event":"property.created"}`, ""},
		} {
			key := "die-after-write" + c.path
			h := http.Header{"Idempotency-Key": {key}}
			before := a.eventCount()
			crash := func() { panic(http.ErrAbortHandler) } // net/http drops the connection
			porterhttp.CrashAfterWrite.Store(&crash)
			req, _ := http.NewRequest("POST", a.srv.URL+c.path, strings.NewReader(c.body))
			req.Header.Set("Authorization", "Bearer "+a.key)
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Idempotency-Key", key)
			// A fresh connection: Go's transport itself resends a keyed
			// request that failed on a reused one, which would be the retry.
			res, err := (&http.Client{Transport: &http.Transport{DisableKeepAlives: true}}).Do(req)
			porterhttp.CrashAfterWrite.Store(nil)
			if err == nil {
				res.Body.Close()
				t.Fatalf("%s: the first request was answered (%d): the crash point was not reached", c.path, res.StatusCode)
			}
			if n := a.eventCount(); n != before+1 {
				t.Fatalf("%s: the first request wrote %d events, want 1", c.path, n-before)
			}
			retry := a.doKey(a.key, "POST", c.path, c.body, h).must(t, 201)
			again := a.doKey(a.key, "POST", c.path, c.body, h).must(t, 201)
			if retry.Header.Get("Idempotent-Replayed") != "true" || string(again.Body) != string(retry.Body) {
				t.Fatalf("%s: the retry was not a replay: %s %s", c.path, retry.Header, retry.Body)
			}
			if n := a.eventCount(); n != before+1 {
				t.Fatalf("%s: the retry wrote again: %d events, want 1", c.path, n-before)
			}
			if c.read == "" {
				continue
			}
			// The remembered body is the bytes the handler sends for it.
			id := itoa(int(retry.obj("data")["id"].(float64)))
			if got := a.do("GET", c.read+id, nil).must(t, 200); string(got.Body) != string(retry.Body) {
				t.Fatalf("replayed %q, the record reads %q", retry.Body, got.Body)
			}
		}
	})
}
