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
		body := `{"name":"Once"}`
		h := http.Header{"Idempotency-Key": {"die-after-write"}}
		before := a.eventCount()
		crash := func() { panic(http.ErrAbortHandler) } // net/http drops the connection
		porterhttp.CrashAfterWrite.Store(&crash)
		t.Cleanup(func() { porterhttp.CrashAfterWrite.Store(nil) })
		req, _ := http.NewRequest("POST", a.srv.URL+"/v1/properties", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+a.key)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Idempotency-Key", "die-after-write")
		res, err := http.DefaultClient.Do(req)
		if err == nil {
			res.Body.Close()
			t.Fatalf("the first request was answered (%d): the crash point was not reached", res.StatusCode)
		}
		porterhttp.CrashAfterWrite.Store(nil)
		if n := a.eventCount(); n != before+1 {
			t.Fatalf("the first request wrote %d events, want 1", n-before)
		}
		retry := a.doKey(a.key, "POST", "/v1/properties", body, h).must(t, 201)
		again := a.doKey(a.key, "POST", "/v1/properties", body, h).must(t, 201)
		if retry.Header.Get("Idempotent-Replayed") != "true" || string(again.Body) != string(retry.Body) {
			t.Fatalf("the retry was not a replay: %s %s", retry.Header, retry.Body)
		}
		if n := a.eventCount(); n != before+1 {
			t.Fatalf("the retry wrote again: %d events, want 1", n-before)
		}
		// The remembered body is the bytes the handler sends for it.
		id := itoa(int(retry.obj("data")["id"].(float64)))
		if got := a.do("GET", "/v1/properties/"+id, nil).must(t, 200); string(got.Body) != string(retry.Body) {
			t.Fatalf("replayed %q, the property reads %q", retry.Body, got.Body)
		}
	})
}
