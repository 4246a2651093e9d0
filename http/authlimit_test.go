package http_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	porterhttp "porter/http"
)

// The README promises 20 failed authentications per minute per client
// address; the next request from there is 429 with Retry-After until the
// minute ends, even with a valid key.
func TestFailedAuthenticationsAreLimited(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		a.now = time.Date(2025, 5, 9, 14, 30, 15, 0, time.UTC)
		for i := 0; i < 20; i++ {
			r := a.doKey("pm_wrong", "GET", "/v1/tenants", nil, nil)
			var body map[string]string
			json.Unmarshal(r.Body, &body)
			if r.Status != 401 || len(body) != 2 || body["error"] != "unauthorized" || body["message"] != "Missing or invalid Bearer token" {
				t.Fatalf("failure %d: %d %s, want seed 000's 401", i+1, r.Status, r.Body)
			}
		}
		r := a.doKey("pm_wrong", "GET", "/v1/tenants", nil, nil).must(t, 429)
		if r.Header.Get("Retry-After") != "45" || r.Header.Get("Content-Type") != "application/problem+json" {
			t.Fatalf("429: Retry-After %q, %s", r.Header.Get("Retry-After"), r.Body)
		}
		a.doKey(a.key, "GET", "/v1/tenants", nil, nil).must(t, 429)
		r = a.doKey("", "POST", "/api/action_create_tenant.php", `{}`, nil).must(t, 429)
		if r.JSON["error"] != "rate_limited" || r.JSON["message"] == nil {
			t.Fatalf("seed 429: %s", r.Body)
		}
		// X-Forwarded-For is the client's to write: ignored unless trusted.
		a.doKey(a.key, "GET", "/v1/tenants", nil, http.Header{"X-Forwarded-For": {"203.0.113.9"}}).must(t, 429)

		// The next minute starts afresh.
		a.now = a.now.Add(45 * time.Second)
		a.doKey(a.key, "GET", "/v1/tenants", nil, nil).must(t, 200)
		a.doKey("pm_wrong", "GET", "/v1/tenants", nil, nil).must(t, 401)
	})
}

// Behind a proxy that is trusted, each forwarded address has its own count.
func TestFailedAuthLimitTrustsForwardedForWhenTold(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		srv := httptest.NewServer(porterhttp.NewServer(a.svc, porterhttp.Config{AuthFailureLimit: 2, TrustForwardedFor: true}, nil))
		defer srv.Close()
		get := func(key, xff string) int {
			req, _ := http.NewRequest("GET", srv.URL+"/v1/tenants", nil)
			req.Header.Set("Authorization", "Bearer "+key)
			req.Header.Set("X-Forwarded-For", xff)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			return res.StatusCode
		}
		for i, want := range []int{401, 401, 429} {
			if got := get("pm_wrong", "198.51.100.7, 203.0.113.1"); got != want {
				t.Fatalf("attempt %d from 203.0.113.1: %d, want %d", i+1, got, want)
			}
		}
		// The proxy's last address decides, not what the client put first.
		if got := get(a.key, "198.51.100.7, 203.0.113.2"); got != 200 {
			t.Fatalf("another client: %d", got)
		}
		// One IPv6 host is its /64.
		get("pm_wrong", "2001:db8::1")
		get("pm_wrong", "2001:db8::2")
		if got := get(a.key, "2001:db8::ffff"); got != 429 {
			t.Fatalf("same /64: %d, want 429", got)
		}
		if got := get(a.key, "2001:db8:0:1::1"); got != 200 {
			t.Fatalf("another /64: %d, want 200", got)
		}
	})
}
