package http_test

import (
	"strings"
	"testing"
)

func TestWebhookHealthAndCap(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		a.svc.MaxWebhooksPerOrg = 2
		create := func(key, url string) *response {
			return a.doKey(key, "POST", "/v1/webhooks", map[string]any{"url": url, "events": []string{"payment.received"}}, nil)
		}
		id := idOf(create(a.key, "https://hooks.example.com/1").must(t, 201).obj("data"))
		create(a.key, "https://hooks.example.com/2").must(t, 201)

		// A new webhook is healthy, its circuit closed, in GET and the list.
		h := a.do("GET", "/v1/webhooks/"+itoa(int(id)), nil).must(t, 200).obj("data")
		health, _ := h["health"].(map[string]any)
		circuit, _ := health["circuit"].(map[string]any)
		if health["consecutive_failures"] != 0.0 || health["failing_since"] != nil || circuit["state"] != "closed" ||
			circuit["consecutive_failures"] != 0.0 || circuit["opened_at"] != nil || circuit["next_probe_at"] != nil {
			t.Fatalf("health of a new webhook: %v", h["health"])
		}
		list := a.do("GET", "/v1/webhooks", nil).must(t, 200)
		if n := strings.Count(string(list.Body), `"circuit":{"state":"closed"`); n != 2 {
			t.Fatalf("the list shows %d circuits, want 2: %s", n, list.Body)
		}

		// One more than the cap is refused, naming the limit and its setting.
		r := create(a.key, "https://hooks.example.com/3").must(t, 409)
		for _, want := range []string{"2", "PORTER_WEBHOOK_MAX_PER_ORG", "--webhook-max-per-org"} {
			if !strings.Contains(string(r.Body), want) {
				t.Fatalf("409 body lacks %q: %s", want, r.Body)
			}
		}
		if items, _ := a.do("GET", "/v1/webhooks", nil).must(t, 200).JSON["data"].([]any); len(items) != 2 {
			t.Fatalf("the refused webhook was written: %d webhooks", len(items))
		}
		// REST hooks count too, and the seed's shape says so.
		sub := a.do("POST", "/api/subscribe.php", map[string]any{"event": "payment.received", "target_url": "https://hooks.zapier.com/x"})
		if sub.Status < 400 || sub.Status >= 500 || !strings.Contains(string(sub.Body), "PORTER_WEBHOOK_MAX_PER_ORG") {
			t.Fatalf("subscribe.php past the cap: %d %s", sub.Status, sub.Body)
		}
		// Another organization has its own count.
		create(a.otherKey, "https://hooks.example.com/other").must(t, 201)
	})
}
