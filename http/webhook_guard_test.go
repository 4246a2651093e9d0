package http_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"porter"
	"porter/postgres"
	"porter/sqlite"
	"porter/webhook"
)

// rawIdempotentBodies reads every remembered Idempotency-Key response as
// the database holds it.
func rawIdempotentBodies(t *testing.T, s porter.Store) string {
	t.Helper()
	var out strings.Builder
	switch db := s.(type) {
	case *sqlite.DB:
		rows, err := db.SQL().QueryContext(context.Background(), "SELECT coalesce(body, '') FROM idempotency_keys")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var b []byte
			rows.Scan(&b)
			out.Write(b)
		}
	case *postgres.DB:
		rows, err := db.Pool().Query(context.Background(), "SELECT coalesce(body, ''::bytea) FROM idempotency_keys")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var b []byte
			rows.Scan(&b)
			out.Write(b)
		}
	}
	return out.String()
}

// With the real guard, a refused target is a 400 naming the reason, on the
// v1 API and on seed 000's REST hooks.
func TestWebhookTargetsAreGuarded(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		a.svc.CheckWebhookURL = (&webhook.Guard{}).CheckURL
		r := a.do("POST", "/v1/webhooks", map[string]any{"url": "http://127.0.0.1:9/hook", "events": []string{"tenant.created"}}).must(t, 400)
		if d, _ := r.JSON["detail"].(string); !strings.Contains(d, "url is refused: 127.0.0.1 is a loopback address") {
			t.Fatalf("detail: %s", r.Body)
		}
		r = a.do("POST", "/api/subscribe.php", map[string]any{"event": "tenant.created", "target_url": "http://169.254.169.254/latest"}).must(t, 400)
		if e, _ := r.JSON["error"].(string); !strings.Contains(e, "169.254.169.254") {
			t.Fatalf("error: %s", r.Body)
		}
		if a.webhookCount() != 0 {
			t.Fatal("a refused webhook was stored")
		}
		a.svc.CheckWebhookURL = (&webhook.Guard{AllowPrivate: true}).CheckURL
		a.do("POST", "/v1/webhooks", map[string]any{"url": "http://127.0.0.1:9/hook", "events": []string{"tenant.created"}}).must(t, 201)
	})
}

// A create replayed with its Idempotency-Key shows the same secret, and the
// remembered response is sealed at rest like the secret itself.
func TestWebhookIdempotentCreateSealsTheSecret(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		h := http.Header{"Idempotency-Key": {"hook-1"}}
		body := `{"url":"https://example.com/hook","events":["payment.*"]}`
		first := a.doKey(a.key, "POST", "/v1/webhooks", body, h).must(t, 201)
		again := a.doKey(a.key, "POST", "/v1/webhooks", body, h).must(t, 201)
		secret, _ := first.obj("data")["secret"].(string)
		if secret == "" || string(first.Body) != string(again.Body) {
			t.Fatalf("replay:\n%s\n%s", first.Body, again.Body)
		}
		if raw := rawIdempotentBodies(t, a.store); raw == "" || strings.Contains(raw, secret) || strings.Contains(raw, "example.com") {
			t.Fatalf("remembered response stored in plaintext")
		}
		if a.webhookCount() != 1 {
			t.Fatalf("%d webhooks after a replay", a.webhookCount())
		}
	})
}
