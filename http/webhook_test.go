package http_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"porter"
	"porter/postgres"
	"porter/sqlite"
)

// rawSecret reads a webhook's stored secret column as the database holds it.
func rawSecret(t *testing.T, s porter.Store, id int64) []byte {
	t.Helper()
	var b []byte
	var err error
	switch db := s.(type) {
	case *sqlite.DB:
		err = db.SQL().QueryRowContext(context.Background(), "SELECT secret FROM webhooks WHERE id = ?", id).Scan(&b)
	case *postgres.DB:
		err = db.Pool().QueryRow(context.Background(), "SELECT secret FROM webhooks WHERE id = $1", id).Scan(&b)
	default:
		t.Fatalf("unknown store %T", s)
	}
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (a *api) webhookCount() int {
	a.t.Helper()
	l, err := a.svc.Webhooks(context.Background(), a.org, porter.WebhookFilter{})
	if err != nil {
		a.t.Fatal(err)
	}
	return l.Total
}

func idOf(m map[string]any) int64 { return int64(m["id"].(float64)) }

func TestWebhookLifecycle(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		ctx := context.Background()
		r := a.do("POST", "/v1/webhooks", map[string]any{"url": "https://hooks.example.com/porter",
			"events": []string{"payment.received", "work_order.*"}, "description": "Accounting"}).must(t, 201)
		h := r.obj("data")
		secret, _ := h["secret"].(string)
		if !strings.HasPrefix(secret, "whsec_") || len(secret) < 40 {
			t.Fatalf("generated secret %q", secret)
		}
		if h["enabled"] != true || h["source"] != "api" || h["timeout_seconds"] != 10.0 || h["ordered"] != false || h["disabled_reason"] != "" {
			t.Fatalf("defaults: %s", r.Body)
		}
		if got := h["retry_schedule"].([]any); len(got) != 4 || got[0] != 300.0 || got[3] != 21600.0 {
			t.Fatalf("retry_schedule: %v", got)
		}
		if ev := h["events"].([]any); len(ev) != 2 || ev[0] != "payment.received" {
			t.Fatalf("events are kept as given: %v", ev)
		}
		id := idOf(h)
		path := "/v1/webhooks/" + itoa(int(id))

		// The secret is shown once: never by GET, list or the event log,
		// and not stored as plaintext.
		for _, p := range []string{path, "/v1/webhooks", "/v1/events"} {
			body := a.do("GET", p, nil).must(t, 200).Body
			if bytes.Contains(body, []byte(secret)) || bytes.Contains(body, []byte(`"secret"`)) {
				t.Fatalf("GET %s shows the secret: %s", p, body)
			}
		}
		raw := rawSecret(t, a.store, id)
		if len(raw) == 0 || bytes.Equal(raw, []byte(secret)) || bytes.Contains(raw, []byte(secret)) ||
			bytes.Contains(raw, []byte(strings.TrimPrefix(secret, "whsec_"))) {
			t.Fatalf("stored secret column holds the plaintext: %q", raw)
		}
		if cur, prev, err := a.svc.WebhookSecrets(ctx, a.org, id); err != nil || cur != secret || prev != "" {
			t.Fatalf("WebhookSecrets = %q, %q, %v", cur, prev, err)
		}
		ev := a.do("GET", "/v1/events?type=webhook.created", nil).must(t, 200).JSON["data"].([]any)
		if len(ev) != 1 || ev[0].(map[string]any)["data"].(map[string]any)["url"] != "https://hooks.example.com/porter" {
			t.Fatalf("webhook.created: %v", ev)
		}

		// A secret of one's own, and every optional field.
		own := a.do("POST", "/v1/webhooks", map[string]any{"url": "http://crm.example.com/in", "events": []string{"*"},
			"secret": "my-signing-secret", "retry_schedule": []int{0, 60}, "timeout_seconds": 30,
			"headers": map[string]string{"Authorization": "Bearer abc", "X-Custom": "1"}, "ordered": true}).must(t, 201).obj("data")
		if own["secret"] != "my-signing-secret" || own["ordered"] != true || own["timeout_seconds"] != 30.0 ||
			own["headers"].(map[string]any)["X-Custom"] != "1" {
			t.Fatalf("own: %v", own)
		}
		ownID := idOf(own)

		// PATCH: disable, then enable again, which clears disabled_reason.
		p := a.do("PATCH", path, map[string]any{"enabled": false, "description": "Paused", "retry_schedule": []int{}}).must(t, 200).obj("data")
		if p["enabled"] != false || p["description"] != "Paused" || len(p["retry_schedule"].([]any)) != 0 || p["secret"] != nil {
			t.Fatalf("patch: %v", p)
		}
		storeDisabledReason(t, a, id, "endpoint answered 410 Gone")
		if g := a.do("GET", path, nil).must(t, 200).obj("data"); g["disabled_reason"] != "endpoint answered 410 Gone" {
			t.Fatalf("disabled_reason: %v", g)
		}
		list := a.do("GET", "/v1/webhooks?enabled=false", nil).must(t, 200)
		if list.obj("meta")["total"] != 1.0 || idOf(list.JSON["data"].([]any)[0].(map[string]any)) != id {
			t.Fatalf("enabled=false: %s", list.Body)
		}
		if a.do("GET", "/v1/webhooks?enabled=true", nil).must(t, 200).obj("meta")["total"] != 1.0 {
			t.Fatal("enabled=true")
		}
		a.do("GET", "/v1/webhooks?enabled=maybe", nil).must(t, 400)
		a.do("GET", "/v1/webhooks?source=zapier", nil).must(t, 400)
		p = a.do("PATCH", path, map[string]any{"enabled": true}).must(t, 200).obj("data")
		if p["enabled"] != true || p["disabled_reason"] != "" {
			t.Fatalf("re-enabled: %v", p)
		}
		up := a.do("GET", "/v1/events?type=webhook.updated&per_page=1", nil).must(t, 200).JSON["data"].([]any)[0].(map[string]any)
		if prev := up["previous_attributes"].(map[string]any); prev["enabled"] != false || prev["disabled_reason"] != "endpoint answered 410 Gone" {
			t.Fatalf("previous_attributes: %v", prev)
		}
		a.do("PATCH", path, map[string]any{"secret": "x"}).must(t, 400) // rotate_secret does that

		// DELETE: 204, no body, an event, then 404.
		before := a.eventCount()
		d := a.do("DELETE", "/v1/webhooks/"+itoa(int(ownID)), nil).must(t, 204)
		if len(d.Body) != 0 {
			t.Fatalf("204 with a body: %q", d.Body)
		}
		if a.eventCount() != before+2 { // webhook.deleted, and audit.critical_event (audit log)
			t.Fatal("delete recorded no event")
		}
		del := a.do("GET", "/v1/events?type=webhook.deleted", nil).must(t, 200)
		if bytes.Contains(del.Body, []byte("my-signing-secret")) || del.obj("meta")["total"] != 1.0 {
			t.Fatalf("webhook.deleted: %s", del.Body)
		}
		a.do("DELETE", "/v1/webhooks/"+itoa(int(ownID)), nil).must(t, 404)
		a.do("GET", "/v1/webhooks/"+itoa(int(ownID)), nil).must(t, 404)
		a.do("GET", "/v1/webhooks/abc", nil).must(t, 404)

		// Every path with an id is 404 to another organization, which
		// writes nothing.
		before = a.eventCount()
		for _, c := range []struct{ method, path string }{{"GET", path}, {"PATCH", path}, {"DELETE", path}, {"POST", path + "/rotate_secret"}} {
			var body any
			if c.method == "PATCH" {
				body = map[string]any{"url": "https://evil.example.com", "enabled": false}
			} else if c.method == "POST" {
				body = map[string]any{"secret": "stolen-secret"}
			}
			a.doKey(a.otherKey, c.method, c.path, body, nil).must(t, 404)
		}
		if a.eventCount() != before {
			t.Fatal("cross-organization calls wrote events")
		}
		if other := a.doKey(a.otherKey, "GET", "/v1/webhooks", nil, nil).must(t, 200); other.obj("meta")["total"] != 0.0 {
			t.Fatalf("other org lists %s", other.Body)
		}
		if cur, _, _ := a.svc.WebhookSecrets(ctx, a.org, id); cur != secret {
			t.Fatal("secret changed by another organization")
		}
		if _, _, err := a.svc.WebhookSecrets(ctx, a.otherOrg, id); porter.ErrorCode(err) != porter.ENOTFOUND {
			t.Fatalf("WebhookSecrets across organizations: %v", err)
		}
	})
}

// storeDisabledReason disables a webhook as the delivery engine will.
func storeDisabledReason(t *testing.T, a *api, id int64, reason string) {
	t.Helper()
	err := a.store.Update(context.Background(), a.org, func(tx porter.Tx) error {
		w, err := tx.WebhookForUpdate(context.Background(), id)
		if err != nil {
			return err
		}
		w.Enabled, w.DisabledReason = false, reason
		return tx.UpdateWebhook(context.Background(), w)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestWebhookRotateSecret(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		ctx := context.Background()
		h := a.do("POST", "/v1/webhooks", map[string]any{"url": "https://hooks.example.com/a", "events": []string{"tenant.created"}}).must(t, 201).obj("data")
		id, first := idOf(h), h["secret"].(string)
		path := "/v1/webhooks/" + itoa(int(id)) + "/rotate_secret"

		r := a.do("POST", path, nil).must(t, 200).obj("data")
		second, _ := r["secret"].(string)
		if !strings.HasPrefix(second, "whsec_") || second == first || r["secret_rotated_at"] != "2025-05-09T14:30:00Z" {
			t.Fatalf("rotate: %v", r)
		}
		if cur, prev, err := a.svc.WebhookSecrets(ctx, a.org, id); err != nil || cur != second || prev != first {
			t.Fatalf("after rotation: %q, %q, %v", cur, prev, err)
		}
		if body := a.do("GET", "/v1/webhooks/"+itoa(int(id)), nil).must(t, 200).Body; bytes.Contains(body, []byte(second)) {
			t.Fatal("GET shows the rotated secret")
		}
		if body := a.do("GET", "/v1/events?type=webhook.updated", nil).must(t, 200).Body; bytes.Contains(body, []byte(second)) || bytes.Contains(body, []byte(first)) {
			t.Fatalf("event shows a secret: %s", body)
		}
		// The old secret signs for 24 hours, not a second more.
		a.now = a.now.Add(24*time.Hour - time.Second)
		if _, prev, _ := a.svc.WebhookSecrets(ctx, a.org, id); prev != first {
			t.Fatal("previous secret expired early")
		}
		a.now = a.now.Add(time.Second)
		if cur, prev, _ := a.svc.WebhookSecrets(ctx, a.org, id); cur != second || prev != "" {
			t.Fatalf("after 24 h: %q, %q", cur, prev)
		}

		// A chosen secret; a bad one is 400 and changes nothing.
		third := a.do("POST", path, map[string]any{"secret": "chosen-secret-3"}).must(t, 200).obj("data")["secret"]
		if third != "chosen-secret-3" {
			t.Fatalf("chosen: %v", third)
		}
		before := a.eventCount()
		for _, bad := range []any{map[string]any{"secret": "short"}, map[string]any{"secret": "has a space"}, map[string]any{"secret": "whsec_!!!notbase64"},
			map[string]any{"secret": 12345678}, map[string]any{"nonce": "x"}} {
			a.do("POST", path, bad).must(t, 400)
		}
		if cur, prev, _ := a.svc.WebhookSecrets(ctx, a.org, id); cur != "chosen-secret-3" || prev != second || a.eventCount() != before {
			t.Fatalf("bad rotation changed something: %q %q", cur, prev)
		}
	})
}

func TestWebhookValidation(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		ok := map[string]any{"url": "https://hooks.example.com/x", "events": []string{"lease.created"}}
		with := func(k string, v any) map[string]any {
			m := map[string]any{}
			for kk, vv := range ok {
				m[kk] = vv
			}
			if v == nil {
				delete(m, k)
			} else {
				m[k] = v
			}
			return m
		}
		many := func(n int, v int) []int {
			s := make([]int, n)
			for i := range s {
				s[i] = v
			}
			return s
		}
		headers := map[string]string{}
		for i := 0; i < 21; i++ {
			headers["X-H"+itoa(i)] = "v"
		}
		cases := []struct {
			body  map[string]any
			field string
			says  string
		}{
			{with("url", nil), "url", "is required"},
			{with("url", "ftp://example.com/x"), "url", "http or https"},
			{with("url", "/relative"), "url", "absolute"},
			{with("url", "https://"), "url", "host"},
			{with("url", "javascript:alert(1)"), "url", ""},
			{with("events", nil), "events", "at least one"},
			{with("events", []string{}), "events", "at least one"},
			{with("events", []string{"lease.created", "lease.exploded", "nope.*"}), "events", `"lease.exploded", "nope.*"; see GET /api/triggers.php`},
			{with("events", "lease.created"), "events", "array"},
			{with("retry_schedule", many(11, 1)), "retry_schedule", "at most 10"},
			{with("retry_schedule", []int{-1}), "retry_schedule", "between 0"},
			{with("retry_schedule", []int{604801}), "retry_schedule", "between 0"},
			{with("retry_schedule", many(8, 86400)), "retry_schedule", "add up"},
			{with("timeout_seconds", 0), "timeout_seconds", "between 1 and 30"},
			{with("timeout_seconds", 31), "timeout_seconds", "between 1 and 30"},
			{with("headers", map[string]string{"Content-Type": "text/plain"}), "headers", "cannot be overridden"},
			{with("headers", map[string]string{"x-pm-signature": "forged"}), "headers", "cannot be overridden"},
			{with("headers", map[string]string{"Webhook-Id": "1"}), "headers", "cannot be overridden"},
			{with("headers", map[string]string{"Connection": "close"}), "headers", "cannot be overridden"},
			{with("headers", map[string]string{"Host": "x"}), "headers", "cannot be overridden"},
			{with("headers", map[string]string{"User-Agent": "x"}), "headers", "cannot be overridden"},
			{with("headers", map[string]string{"Bad Name": "x"}), "headers", "not a valid header name"},
			{with("headers", map[string]string{"X-A": "line\r\nInjected: 1"}), "headers", "control characters"},
			{with("headers", map[string]string{"X-A": "1", "x-a": "2"}), "headers", "same header"},
			{with("headers", headers), "headers", "at most 20"},
			{with("secret", ""), "secret", "omit it"},
			{with("secret", "whsec_***"), "secret", "base64"},
			{with("source", "rest_hook"), "source", "not a known field"},
			{with("enabled", false), "enabled", "not a known field"},
		}
		before, hooks := a.eventCount(), a.webhookCount()
		for _, c := range cases {
			r := a.do("POST", "/v1/webhooks", c.body)
			if r.Status != 400 {
				t.Errorf("%v: status %d: %s", c.body, r.Status, r.Body)
				continue
			}
			errs, _ := r.JSON["errors"].([]any)
			if len(errs) == 0 || errs[0].(map[string]any)["field"] != c.field || !strings.Contains(r.JSON["detail"].(string), c.says) {
				t.Errorf("%v: %s", c.body, r.Body)
			}
		}
		if a.eventCount() != before || a.webhookCount() != hooks {
			t.Fatal("bad input wrote something")
		}
		// Unknown events list the valid ones.
		r := a.do("POST", "/v1/webhooks", with("events", []string{"lease.exploded"})).must(t, 400)
		if d := r.JSON["detail"].(string); !strings.Contains(d, "payment.succeeded") || !strings.Contains(d, "work_order.created") {
			t.Fatalf("valid events not listed: %s", d)
		}
		// PATCH validates the result the same way.
		id := itoa(int(idOf(a.do("POST", "/v1/webhooks", ok).must(t, 201).obj("data"))))
		before, hooks = a.eventCount(), a.webhookCount()
		for _, body := range []map[string]any{{"url": "gopher://x"}, {"events": []string{}}, {"events": []string{"bogus"}},
			{"retry_schedule": many(11, 0)}, {"timeout_seconds": 99}, {"headers": map[string]string{"Content-Length": "1"}},
			{"enabled": "yes"}, {"url": nil, "colour": "red"}} {
			a.do("PATCH", "/v1/webhooks/"+id, body).must(t, 400)
		}
		if a.eventCount() != before || a.webhookCount() != hooks {
			t.Fatal("bad input wrote something")
		}
		if g := a.do("GET", "/v1/webhooks/"+id, nil).must(t, 200).obj("data"); g["url"] != ok["url"] || g["timeout_seconds"] != 10.0 {
			t.Fatalf("bad PATCH changed the webhook: %v", g)
		}
		// Boundaries are accepted.
		a.do("POST", "/v1/webhooks", with("retry_schedule", append(many(6, 86400), 86400))).must(t, 201)
		a.do("POST", "/v1/webhooks", with("retry_schedule", many(10, 0))).must(t, 201)
		a.do("POST", "/v1/webhooks", with("timeout_seconds", 1)).must(t, 201)
		a.do("POST", "/v1/webhooks", with("headers", map[string]string{"Authorization": "Bearer x", "X-Tenant": "acme"})).must(t, 201)
	})
}

func TestWebhookScopesAndGuard(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		body := func(events ...string) map[string]any {
			return map[string]any{"url": "https://hooks.example.com/x", "events": events}
		}
		// A key may subscribe only to events it could read.
		narrow := a.scopedKey("webhooks:write", "payments:read")
		before := a.eventCount()
		a.doKey(narrow, "POST", "/v1/webhooks", body("payment.succeeded", "payment.*"), nil).must(t, 201)
		for _, events := range [][]string{{"lease.created"}, {"*"}, {"payment.succeeded", "maintenance.created"}} {
			r := a.doKey(narrow, "POST", "/v1/webhooks", body(events...), nil).must(t, 403)
			if !strings.Contains(r.JSON["detail"].(string), "lacks the") {
				t.Fatalf("403 detail: %s", r.Body)
			}
		}
		r := a.doKey(narrow, "POST", "/v1/webhooks", body("lease.created", "work_order.created"), nil).must(t, 403)
		if d := r.JSON["detail"].(string); !strings.Contains(d, "leases:read, work_orders:read") {
			t.Fatalf("403 names the scopes: %s", d)
		}
		a.doKey(narrow, "POST", "/api/subscribe.php", map[string]any{"event": "lease.created", "target_url": "https://x.example.com"}, nil).must(t, 403)
		if a.eventCount() != before+1 {
			t.Fatal("refused subscriptions wrote events")
		}
		id := itoa(int(idOf(a.do("POST", "/v1/webhooks", body("lease.created")).must(t, 201).obj("data"))))
		a.doKey(narrow, "PATCH", "/v1/webhooks/"+id, map[string]any{"events": []string{"*"}}, nil).must(t, 403)
		a.doKey(narrow, "PATCH", "/v1/webhooks/"+id, map[string]any{"description": "ok"}, nil).must(t, 200)
		readOnly := a.scopedKey("webhooks:read")
		a.doKey(readOnly, "POST", "/v1/webhooks", body("lease.created"), nil).must(t, 403)
		a.doKey(readOnly, "GET", "/v1/webhooks/"+id, nil, nil).must(t, 200)
		a.doKey(a.scopedKey("leases:read"), "GET", "/v1/webhooks", nil, nil).must(t, 403)

		// The SSRF guard's verdict is a 400 on url naming its reason.
		var checked []string
		a.svc.CheckWebhookURL = func(_ context.Context, u string) error {
			checked = append(checked, u)
			if strings.Contains(u, "169.254.169.254") {
				return errors.New("169.254.169.254 is a link-local address")
			}
			return nil
		}
		before = a.eventCount()
		r = a.do("POST", "/v1/webhooks", map[string]any{"url": "http://169.254.169.254/latest", "events": []string{"*"}}).must(t, 400)
		if r.JSON["errors"].([]any)[0].(map[string]any)["field"] != "url" || !strings.Contains(r.JSON["detail"].(string), "link-local") {
			t.Fatalf("guard: %s", r.Body)
		}
		a.do("PATCH", "/v1/webhooks/"+id, map[string]any{"url": "http://169.254.169.254/"}).must(t, 400)
		r = a.do("POST", "/api/subscribe.php", map[string]any{"event": "*", "target_url": "http://169.254.169.254/"}).must(t, 400)
		if !strings.Contains(r.JSON["error"].(string), "target_url is refused: 169.254.169.254 is a link-local address") {
			t.Fatalf("subscribe guard: %s", r.Body)
		}
		if a.eventCount() != before {
			t.Fatal("refused targets wrote events")
		}
		a.do("PATCH", "/v1/webhooks/"+id, map[string]any{"url": "https://new.example.com/"}).must(t, 200)
		if len(checked) != 4 || checked[3] != "https://new.example.com/" {
			t.Fatalf("guard calls: %v", checked)
		}

		// NewWebhookSecret makes the generated secrets.
		a.svc.NewWebhookSecret = func() string { return "whsec_dGVzdHRlc3R0ZXN0dGVzdA==" }
		if s := a.do("POST", "/v1/webhooks", body("*")).must(t, 201).obj("data")["secret"]; s != "whsec_dGVzdHRlc3R0ZXN0dGVzdA==" {
			t.Fatalf("secret %v", s)
		}
	})
}

func TestRESTHooks(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		ctx := context.Background()
		r := a.do("POST", "/api/subscribe.php", map[string]any{"event": "payment.received", "target_url": "https://hooks.zapier.com/hooks/catch/1/abc/",
			"secret": "zap-secret-1", "zap_id": "ignored"}).must(t, 200)
		sub := r.obj("subscription")
		if len(r.JSON) != 1 || sub["event"] != "payment.received" || sub["target_url"] != "https://hooks.zapier.com/hooks/catch/1/abc/" ||
			sub["created_at"] != "2025-05-09T14:30:00Z" || sub["id"] == nil || len(sub) != 4 {
			t.Fatalf("subscribe: %s", r.Body)
		}
		id := idOf(sub)
		h := a.do("GET", "/v1/webhooks/"+itoa(int(id)), nil).must(t, 200).obj("data")
		if h["source"] != "rest_hook" || len(h["retry_schedule"].([]any)) != 4 || h["enabled"] != true {
			t.Fatalf("stored as: %v", h)
		}
		if cur, _, _ := a.svc.WebhookSecrets(ctx, a.org, id); cur != "zap-secret-1" {
			t.Fatalf("secret %q", cur)
		}
		if l := a.do("GET", "/v1/webhooks?source=rest_hook", nil).must(t, 200); l.obj("meta")["total"] != 1.0 {
			t.Fatalf("source filter: %s", l.Body)
		}
		// Without a secret (or with an unmapped ""), deliveries are unsigned.
		bare := a.do("POST", "/api/subscribe.php", map[string]any{"event": "work_order.*", "target_url": "https://hook.eu1.make.com/x", "secret": ""}).must(t, 200).obj("subscription")
		if cur, prev, err := a.svc.WebhookSecrets(ctx, a.org, idOf(bare)); cur != "" || prev != "" || err != nil {
			t.Fatalf("bare secret %q %q %v", cur, prev, err)
		}

		before := a.eventCount()
		for _, c := range []struct {
			body any
			says string
		}{
			{map[string]any{"target_url": "https://x.example.com"}, "event is required"},
			{map[string]any{"event": "payment.received"}, "target_url is required"},
			{map[string]any{"event": "payment.exploded", "target_url": "https://x.example.com"}, `event has unknown events: "payment.exploded"`},
			{map[string]any{"event": "*", "target_url": "mailto:x@example.com"}, "target_url must use http or https"},
			{map[string]any{"event": "*", "target_url": "https://x.example.com", "secret": "short"}, "secret must be"},
			{"not json", "not valid JSON"},
		} {
			r := a.do("POST", "/api/subscribe.php", c.body).must(t, 400)
			if e, _ := r.JSON["error"].(string); !strings.Contains(e, c.says) || len(r.JSON) != 1 {
				t.Errorf("%v: %s", c.body, r.Body)
			}
		}
		if a.eventCount() != before {
			t.Fatal("bad subscribe wrote events")
		}

		// Unsubscribe: the id as a number or a string, as no-code tools send it.
		u := a.do("POST", "/api/unsubscribe.php", map[string]any{"id": itoa(int(id))}).must(t, 200)
		if u.JSON["deleted"] != true || idOf(u.obj("subscription")) != id || u.obj("subscription")["event"] != "payment.received" {
			t.Fatalf("unsubscribe: %s", u.Body)
		}
		a.do("GET", "/v1/webhooks/"+itoa(int(id)), nil).must(t, 404)
		before = a.eventCount()
		for _, c := range []struct {
			key  string
			body any
			says string
		}{
			{a.key, map[string]any{"id": id}, "subscription " + itoa(int(id)) + " does not exist"},
			{a.key, map[string]any{}, "id is required"},
			{a.key, map[string]any{"id": "abc"}, "id must be an integer"},
			{a.otherKey, map[string]any{"id": idOf(bare)}, "does not exist"},
		} {
			r := a.doKey(c.key, "POST", "/api/unsubscribe.php", c.body, nil).must(t, 400)
			if e, _ := r.JSON["error"].(string); !strings.Contains(e, c.says) {
				t.Errorf("%v: %s", c.body, r.Body)
			}
		}
		if a.eventCount() != before {
			t.Fatal("failed unsubscribes wrote events")
		}
		a.do("POST", "/api/unsubscribe.php", map[string]any{"id": idOf(bare)}).must(t, 200)
		a.doKey(a.scopedKey("webhooks:read"), "POST", "/api/unsubscribe.php", map[string]any{"id": 1}, nil).must(t, 403)
	})
}
