package http_test

import (
	"strings"
	"testing"
	"time"
)

// Five rotations within 24 hours: the fifth is 409 naming when the oldest
// secret stops signing, and changes nothing.
func TestWebhookRotateBeyondTheBoundIsConflict(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		h := a.do("POST", "/v1/webhooks", map[string]any{"url": "http://127.0.0.1:9/a", "events": []string{"tenant.created"}}).must(t, 201).obj("data")
		id := idOf(h)
		path := "/v1/webhooks/" + itoa(int(id)) + "/rotate_secret"
		start := a.now
		for i := 0; i < 4; i++ {
			a.do("POST", path, nil).must(t, 200)
			a.now = a.now.Add(time.Minute)
		}
		r := a.do("POST", path, map[string]any{"secret": "one-too-many"}).must(t, 409)
		want := "already has 5 signing secrets, the most at once: the current one and 4 rotated out within the last 24 hours; the oldest stops signing at " +
			start.Add(24*time.Hour).UTC().Format(time.RFC3339) + ", rotate again after that"
		if d, _ := r.JSON["detail"].(string); !strings.HasSuffix(d, want) {
			t.Fatalf("409: %s", r.Body)
		}
		if cur, _, _ := a.svc.WebhookSecrets(t.Context(), a.org, id); cur == "one-too-many" {
			t.Fatal("a refused rotation changed the secret")
		}
		a.now = start.Add(24 * time.Hour)
		a.do("POST", path, map[string]any{"secret": "one-too-many"}).must(t, 200)
	})
}
