package http_test

import (
	"context"
	"crypto/sha256"
	"net/http"
	"testing"
	"time"

	"porter"
)

// The same Idempotency-Key and body sent to another path is another
// request: 422, not the first path's response replayed.
func TestIdempotencyKeyCoversThePath(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		p1 := itoa(int(a.do("POST", "/v1/properties", map[string]any{"name": "One"}).must(t, 201).obj("data")["id"].(float64)))
		p2 := itoa(int(a.do("POST", "/v1/properties", map[string]any{"name": "Two"}).must(t, 201).obj("data")["id"].(float64)))
		h := http.Header{"Idempotency-Key": {"archive-1"}}
		first := a.doKey(a.key, "POST", "/v1/properties/"+p1+"/archive", nil, h).must(t, 200)
		if first.obj("data")["status"] != "archived" {
			t.Fatalf("archive: %s", first.Body)
		}
		a.doKey(a.key, "POST", "/v1/properties/"+p2+"/archive", nil, h).must(t, 422)
		if got := a.do("GET", "/v1/properties/"+p2, nil).must(t, 200).obj("data"); got["status"] != "active" {
			t.Fatalf("the second property changed: %v", got)
		}
	})
}

// A key claimed by a request still running is 409 and writes nothing; a
// claim left by a node that died mid-request (older than a minute) is
// taken over.
func TestIdempotencyKeyInFlight(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		body := `{"name":"Maple"}`
		// The claim a request still running holds: its fingerprint is the
		// method, the path and the body.
		sum := sha256.Sum256([]byte("POST /v1/properties\n" + body))
		ctx := context.Background()
		err := a.store.Update(ctx, a.org, func(tx porter.Tx) error {
			_, err := tx.ClaimIdempotencyKey(ctx, &porter.IdempotencyRecord{Key: "in-flight", RequestHash: sum[:], CreatedAt: a.now})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		h := http.Header{"Idempotency-Key": {"in-flight"}}
		before := a.eventCount()
		r := a.doKey(a.key, "POST", "/v1/properties", body, h).must(t, 409)
		if r.Header.Get("Content-Type") != "application/problem+json" {
			t.Fatalf("409: %s", r.Body)
		}
		a.now = a.now.Add(59 * time.Second)
		a.doKey(a.key, "POST", "/v1/properties", body, h).must(t, 409)
		if n := a.eventCount(); n != before {
			t.Fatalf("a request refused as in flight wrote %d events", n-before)
		}
		// Past a minute the claim is stale: this request takes it over,
		// once, and is then replayed.
		a.now = a.now.Add(2 * time.Second)
		first := a.doKey(a.key, "POST", "/v1/properties", body, h).must(t, 201)
		again := a.doKey(a.key, "POST", "/v1/properties", body, h).must(t, 201)
		if again.Header.Get("Idempotent-Replayed") != "true" || string(again.Body) != string(first.Body) {
			t.Fatalf("after the takeover, not replayed: %s", again.Body)
		}
		if n := a.eventCount(); n != before+1 {
			t.Fatalf("%d events, want 1", n-before)
		}
	})
}

// Errors are answered but not remembered: the client may fix the request
// and retry it with the same key.
func TestIdempotencyKeyForgetsErrors(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		h := http.Header{"Idempotency-Key": {"fix-and-retry"}}
		bad := a.doKey(a.key, "POST", "/v1/properties", `{"name":""}`, h).must(t, 400)
		if bad.Header.Get("Idempotent-Replayed") != "" {
			t.Fatal("an error was replayed")
		}
		again := a.doKey(a.key, "POST", "/v1/properties", `{"name":""}`, h).must(t, 400)
		if again.Header.Get("Idempotent-Replayed") != "" {
			t.Fatal("an error was remembered")
		}
		fixed := a.doKey(a.key, "POST", "/v1/properties", `{"name":"Fixed"}`, h).must(t, 201)
		replay := a.doKey(a.key, "POST", "/v1/properties", `{"name":"Fixed"}`, h).must(t, 201)
		if replay.Header.Get("Idempotent-Replayed") != "true" || string(replay.Body) != string(fixed.Body) {
			t.Fatalf("the fixed request is not replayed: %s", replay.Body)
		}
		// The key now belongs to the fixed request.
		a.doKey(a.key, "POST", "/v1/properties", `{"name":""}`, h).must(t, 422)
	})
}
