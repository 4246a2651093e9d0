package http_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"testing"
	"time"

	"porter"
	porterhttp "porter/http"
	"porter/storetest"
)

func itoa(n int) string { return strconv.Itoa(n) }

func TestUnauthorizedBodyIsSeed000s(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		for _, key := range []string{"", "pm_nope", "pm_" + "0000000000000000000000000000000000000000000000000", a.key + "x"} {
			for _, path := range []string{"/api/action_create_tenant.php", "/v1/tenants", "/api/triggers.php"} {
				r := a.doKey(key, "GET", path, nil, nil)
				if path == "/api/action_create_tenant.php" {
					r = a.doKey(key, "POST", path, `{}`, nil)
				}
				var body map[string]string
				json.Unmarshal(r.Body, &body)
				if r.Status != 401 || len(body) != 2 || body["error"] != "unauthorized" || body["message"] != "Missing or invalid Bearer token" {
					t.Fatalf("%s with %q: %d %s", path, key, r.Status, r.Body)
				}
				// RFC 9110 §11.6.1: a 401 says which scheme to use.
				if got := r.Header.Values("WWW-Authenticate"); len(got) != 1 || got[0] != "Bearer" {
					t.Fatalf("%s with %q: WWW-Authenticate %q, want Bearer", path, key, got)
				}
			}
		}
	})
}

func TestExpiredAndRevokedKeys(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		ctx := context.Background()
		past := a.now.Add(-time.Hour)
		expired, _, err := a.svc.CreateAPIKey(ctx, a.org, porter.APIKeyInput{Name: "old", ExpiresAt: &past})
		if err != nil {
			t.Fatal(err)
		}
		if r := a.doKey(expired, "GET", "/v1/tenants", nil, nil); r.Status != 401 || r.Header.Get("WWW-Authenticate") != "Bearer" {
			t.Fatalf("expired: %d, WWW-Authenticate %q", r.Status, r.Header.Get("WWW-Authenticate"))
		}
		text, k, _ := a.svc.CreateAPIKey(ctx, a.org, porter.APIKeyInput{Name: "soon revoked"})
		a.doKey(text, "GET", "/v1/tenants", nil, nil).must(t, 200)
		if err := a.svc.RevokeAPIKey(ctx, a.org, k.ID); err != nil {
			t.Fatal(err)
		}
		if r := a.doKey(text, "GET", "/v1/tenants", nil, nil); r.Status != 401 {
			t.Fatalf("revoked: %d", r.Status)
		}
		keys, _ := a.svc.APIKeys(ctx, a.org)
		for _, k := range keys {
			if k.Name == "soon revoked" && k.LastUsedAt == nil {
				t.Fatal("last_used_at not kept")
			}
		}
		// Revoking another organization's key is not found.
		if err := a.svc.RevokeAPIKey(ctx, a.otherOrg, k.ID); porter.ErrorCode(err) != porter.ENOTFOUND {
			t.Fatalf("cross-org revoke: %v", err)
		}
	})
}

func TestScopes(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		ro, _, _ := a.svc.CreateAPIKey(context.Background(), a.org, porter.APIKeyInput{Name: "ro", Scopes: []string{"tenants:read"}})
		a.doKey(ro, "GET", "/v1/tenants", nil, nil).must(t, 200)
		r := a.doKey(ro, "POST", "/api/action_create_tenant.php", `{"email":"a@b.co","first_name":"A","last_name":"B"}`, nil).must(t, 403)
		if r.JSON["message"] != "this API key lacks the tenants:write scope" {
			t.Fatalf("403 body: %s", r.Body)
		}
		r = a.doKey(ro, "POST", "/v1/tenants", `{"email":"a@b.co","first_name":"A","last_name":"B"}`, nil).must(t, 403)
		if r.Header.Get("Content-Type") != "application/problem+json" || r.JSON["detail"] != "this API key lacks the tenants:write scope" {
			t.Fatalf("v1 403: %s", r.Body)
		}
		if a.eventCount() != 0 {
			t.Fatal("forbidden call wrote an event")
		}
		// maintenance:write (seed 003) grants work orders; write includes read.
		if !porter.ScopesAllow([]string{"maintenance:write"}, "work_orders:read") || porter.ScopesAllow([]string{"tenants:read"}, "tenants:write") {
			t.Fatal("scope rules")
		}
	})
}

func TestRateLimit(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		a.now = a.now.Add(30 * time.Second)
		key, _, _ := a.svc.CreateAPIKey(context.Background(), a.org, porter.APIKeyInput{Name: "slow", RateLimit: 3})
		for i := 1; i <= 3; i++ {
			r := a.doKey(key, "GET", "/v1/tenants", nil, nil).must(t, 200)
			if r.Header.Get("X-RateLimit-Limit") != "3" || r.Header.Get("X-RateLimit-Remaining") != itoa(3-i) {
				t.Fatalf("headers %v", r.Header)
			}
			reset, _ := strconv.ParseInt(r.Header.Get("X-RateLimit-Reset"), 10, 64)
			if reset != a.now.Truncate(time.Minute).Add(time.Minute).Unix() {
				t.Fatalf("reset %d", reset)
			}
		}
		r := a.doKey(key, "GET", "/v1/tenants", nil, nil).must(t, 429)
		if r.Header.Get("Retry-After") != "30" || r.Header.Get("X-RateLimit-Remaining") != "0" {
			t.Fatalf("429 headers %v", r.Header)
		}
		// The next window starts afresh.
		a.now = a.now.Add(time.Minute)
		a.doKey(key, "GET", "/v1/tenants", nil, nil).must(t, 200)
		// Other keys are counted apart.
		a.do("GET", "/v1/tenants", nil).must(t, 200)
	})
}

func TestIdempotencyKey(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		h := http.Header{"Idempotency-Key": {"abc-123"}}
		body := `{"email":"jane@example.com","first_name":"Jane","last_name":"Smith"}`
		first := a.doKey(a.key, "POST", "/v1/tenants", body, h).must(t, 201)
		again := a.doKey(a.key, "POST", "/v1/tenants", body, h).must(t, 201)
		if string(first.Body) != string(again.Body) || again.Header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("replay differs:\n%s\n%s", first.Body, again.Body)
		}
		if n := a.eventCount(); n != 1 {
			t.Fatalf("%d events, want 1", n)
		}
		r := a.doKey(a.key, "POST", "/v1/tenants", `{"email":"other@example.com","first_name":"O","last_name":"X"}`, h).must(t, 422)
		if r.Header.Get("Content-Type") != "application/problem+json" {
			t.Fatalf("422: %s", r.Body)
		}
		// Keys belong to one organization.
		a.doKey(a.otherKey, "POST", "/v1/tenants", body, h).must(t, 201)
		// After 24 hours the key is forgotten.
		a.now = a.now.Add(25 * time.Hour)
		a.doKey(a.key, "POST", "/v1/tenants", `{"email":"new@example.com","first_name":"N","last_name":"X"}`, h).must(t, 201)
	})
}

// TestAPIKeyCache: a key read once serves later requests from memory. A
// revocation on this node ends it at once (TestExpiredAndRevokedKeys);
// one made elsewhere (another node, `porter key revoke`) within the
// cache's TTL, and at once when the cache is off.
func TestAPIKeyCache(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		for _, tc := range []struct {
			name       string
			ttl        time.Duration
			afterOther int // status right after another process revokes
		}{
			{"cached", time.Hour, 200},
			{"off", -1, 401},
		} {
			t.Run(tc.name, func(t *testing.T) {
				a := newAPIConfig(t, s, porterhttp.Config{DefaultRateLimit: 1000, APIKeyCacheTTL: tc.ttl})
				ctx := context.Background()
				text, k, err := a.svc.CreateAPIKey(ctx, a.org, porter.APIKeyInput{Name: "cached " + tc.name})
				if err != nil {
					t.Fatal(err)
				}
				a.doKey(text, "GET", "/v1/tenants", nil, nil).must(t, 200)
				other := porter.NewService(s, "", nil) // another process on the same database
				if err := other.RevokeAPIKey(ctx, a.org, k.ID); err != nil {
					t.Fatal(err)
				}
				a.doKey(text, "GET", "/v1/tenants", nil, nil).must(t, tc.afterOther)
				// Any revocation on this node drops what the cache holds.
				if _, k2, err := a.svc.CreateAPIKey(ctx, a.org, porter.APIKeyInput{Name: "spare"}); err != nil {
					t.Fatal(err)
				} else if err := a.svc.RevokeAPIKey(ctx, a.org, k2.ID); err != nil {
					t.Fatal(err)
				}
				a.doKey(text, "GET", "/v1/tenants", nil, nil).must(t, 401)
			})
		}
	})
}
