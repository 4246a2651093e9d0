package console_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"porter"
	"porter/storetest"
)

// The subscribe and edit forms choose the signature, the payload format
// and the signature header; an ed25519 webhook's page shows its public
// key and JWKS link, and rotating it makes a new key pair.
func TestWebhookSigningForms(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st porter.Store) {
		rc := newReceiver(t, http.StatusOK)
		s := webhookSite(t, st)
		bg := context.Background()
		u, err := s.svc.Authenticate(bg, "admin@acme.test", password)
		must(t, err)
		token, err := s.svc.StartSession(bg, u)
		must(t, err)
		admin := &http.Cookie{Name: "porter_session", Value: token}
		post := func(path string, form url.Values) (int, string) {
			req, _ := http.NewRequest("POST", s.URL+path, strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.AddCookie(admin)
			return do(t, req)
		}
		count := func() int {
			l, err := s.svc.Webhooks(bg, s.org, porter.WebhookFilter{})
			must(t, err)
			return l.Total
		}

		code, body := get(t, s.URL+"/settings/webhooks", admin)
		for _, want := range []string{`name="signature"`, `<option>ed25519</option>`, `name="payload_format"`, `<option>concierge</option>`,
			`name="signature_header"`, `<option>propexo-signature</option>`} {
			if code != 200 || !strings.Contains(body, want) {
				t.Fatalf("subscribe form lacks %s (%d)", want, code)
			}
		}

		// A format that does not exist: 400 naming it and the choices; nothing written.
		form := url.Values{"url": {rc.URL}, "events": {"tenant.*"}, "retry_schedule": {"none"}, "timeout_seconds": {"5"},
			"signature": {"hmac-sha256"}, "payload_format": {"<script>x</script>"}, "signature_header": {"X-PM-Signature"}}
		code, body = post("/settings/webhooks", form)
		if code != http.StatusBadRequest || !strings.Contains(html.UnescapeString(body), "payload_format must be one of porter, standard, arkanpm, concierge") ||
			strings.Contains(body, "<script>x</script>") || count() != 0 {
			t.Fatalf("bad format: %d, %d webhooks", code, count())
		}

		form.Set("payload_format", "arkanpm")
		form.Set("signature", "ed25519")
		code, body = post("/settings/webhooks", form)
		body = html.UnescapeString(body)
		key := regexp.MustCompile(`whpk_[A-Za-z0-9+/]{43}=`).FindString(body)
		if code != 200 || key == "" || !strings.Contains(body, "/.well-known/webhooks/org_") || !strings.Contains(body, "Rotate key pair") ||
			strings.Contains(body, `id="newsecret"`) {
			t.Fatalf("ed25519 subscribe: %d, key %q", code, key)
		}
		l, err := s.svc.Webhooks(bg, s.org, porter.WebhookFilter{})
		must(t, err)
		hook := l.Items[0]
		if hook.Signature != "ed25519" || hook.PayloadFormat != "arkanpm" || hook.PublicKey != key {
			t.Fatalf("stored %+v", hook)
		}
		hp := "/settings/webhooks/" + itoa(hook.ID)
		if code, body = post(hp+"/rotate", nil); code != 200 || strings.Contains(html.UnescapeString(body), key) || !strings.Contains(body, "Key pair rotated") {
			t.Fatalf("rotate: %d", code)
		}

		// The edit form changes the format and the header of an HMAC webhook.
		h2, err := s.svc.CreateWebhook(bg, s.org, porter.WebhookInput{URL: rc.URL, Events: []string{"tenant.*"}})
		must(t, err)
		edit := url.Values{"url": {rc.URL}, "events": {"tenant.*"}, "retry_schedule": {"none"}, "timeout_seconds": {"5"},
			"payload_format": {"concierge"}, "signature_header": {"X-Signature"}}
		if code, _ := post("/settings/webhooks/"+itoa(h2.ID), edit); code != http.StatusOK && code != http.StatusSeeOther {
			t.Fatalf("edit: %d", code)
		}
		got, err := s.svc.Webhook(bg, s.org, h2.ID)
		must(t, err)
		if got.PayloadFormat != "concierge" || got.SignatureHeader != "X-Signature" {
			t.Fatalf("edited %+v", got)
		}
		if code, body := get(t, s.URL+"/settings/webhooks/"+itoa(h2.ID), admin); code != 200 || !strings.Contains(body, "<code>X-Signature</code>") ||
			!strings.Contains(body, `<option selected>concierge</option>`) {
			t.Fatalf("page after edit: %d", code)
		}
	})
}
