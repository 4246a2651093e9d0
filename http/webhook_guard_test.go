package http_test

import (
	"context"
	"fmt"
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

// With the real guard, a refused target is a 400 naming the reason and the
// setting that would allow it, on the v1 API and on seed 000's REST hooks;
// a target that is never allowed says so, whatever the settings.
func TestWebhookTargetsAreGuarded(t *testing.T) {
	const allowHint = "; set PORTER_ALLOW_PRIVATE_WEBHOOKS=1 or add it to PORTER_WEBHOOK_ALLOW_CIDRS to allow it"
	each(t, func(t *testing.T, a *api) {
		a.svc.CheckWebhookURL = (&webhook.Guard{}).CheckURL
		r := a.do("POST", "/v1/webhooks", map[string]any{"url": "http://10.0.0.5/hook", "events": []string{"tenant.created"}}).must(t, 400)
		if d, _ := r.JSON["detail"].(string); d != "url is refused: 10.0.0.5 is a private address"+allowHint {
			t.Fatalf("detail: %s", r.Body)
		}
		r = a.do("POST", "/v1/webhooks", map[string]any{"url": "http://127.0.0.1:9/hook", "events": []string{"tenant.created"}}).must(t, 400)
		if d, _ := r.JSON["detail"].(string); d != "url is refused: 127.0.0.1 is a loopback address"+allowHint {
			t.Fatalf("detail: %s", r.Body)
		}
		r = a.do("POST", "/api/subscribe.php", map[string]any{"event": "tenant.created", "target_url": "http://169.254.169.254/latest"}).must(t, 400)
		if e, _ := r.JSON["error"].(string); !strings.Contains(e, "169.254.169.254 is a cloud metadata address and can never be a webhook target") {
			t.Fatalf("error: %s", r.Body)
		}
		if a.webhookCount() != 0 {
			t.Fatal("a refused webhook was stored")
		}

		// PORTER_ALLOW_PRIVATE_WEBHOOKS=1 opens loopback, never metadata.
		a.svc.CheckWebhookURL = (&webhook.Guard{AllowPrivate: true}).CheckURL
		for _, target := range []string{"http://169.254.169.254/latest/meta-data/", "http://[fd00:ec2::254]/", "http://100.100.100.200/", "http://2852039166/", "http://[::ffff:169.254.169.254]/"} {
			r = a.do("POST", "/v1/webhooks", map[string]any{"url": target, "events": []string{"tenant.created"}}).must(t, 400)
			if d, _ := r.JSON["detail"].(string); !strings.HasPrefix(d, "url is refused: ") || !strings.HasSuffix(d, " and can never be a webhook target") {
				t.Errorf("%s: detail: %s", target, r.Body)
			}
		}
		created := a.do("POST", "/v1/webhooks", map[string]any{"url": "http://127.0.0.1:9/hook", "events": []string{"tenant.created"}}).must(t, 201)
		id := created.obj("data")["id"]
		r = a.do("PATCH", fmt.Sprintf("/v1/webhooks/%v", id), map[string]any{"url": "http://169.254.169.254/"}).must(t, 400)
		if d, _ := r.JSON["detail"].(string); d != "url is refused: 169.254.169.254 is a cloud metadata address and can never be a webhook target" {
			t.Errorf("patch detail: %s", r.Body)
		}
		if a.webhookCount() != 1 {
			t.Fatalf("%d webhooks, want 1", a.webhookCount())
		}
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
