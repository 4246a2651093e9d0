package porter_test

import (
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"porter"
	"porter/storetest"
)

// fieldErr returns the field and message of a validation error.
func fieldErr(t *testing.T, err error) (string, string) {
	t.Helper()
	var pe *porter.Error
	if !errors.As(err, &pe) || pe.Code != porter.EINVALID || len(pe.Fields) == 0 {
		t.Fatalf("want a validation error, got %v", err)
	}
	return pe.Fields[0].Field, pe.Fields[0].Message
}

// Signing and format choices are checked on create and on edit: a 400
// naming the field and what it may be, and nothing written.
func TestWebhookSigningValidation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newQueueFixture(t, s)
		url := "http://127.0.0.1:9/hook"
		tests := []struct {
			name  string
			in    porter.WebhookInput
			field string
			says  []string
		}{
			{"format", porter.WebhookInput{PayloadFormat: "xml"}, "payload_format", []string{"porter, standard, arkanpm, concierge", `"xml"`}},
			{"header", porter.WebhookInput{SignatureHeader: "X-Hub-Signature"}, "signature_header",
				[]string{"X-PM-Signature, X-ArkanPM-Signature, X-Signature, propexo-signature"}},
			{"signature", porter.WebhookInput{Signature: "rsa"}, "signature", []string{"hmac-sha256, ed25519"}},
			{"ed25519 secret", porter.WebhookInput{Signature: "ed25519", Secret: ptr("my-own-secret")}, "secret", []string{"omit secret"}},
			{"ed25519 hmac header", porter.WebhookInput{Signature: "ed25519", SignatureHeader: "X-Signature"}, "signature_header", []string{"webhook-signature"}},
		}
		for _, tt := range tests {
			tt.in.URL, tt.in.Events = url, []string{"*"}
			_, err := f.svc.CreateWebhook(f.ctx, f.org, tt.in)
			field, msg := fieldErr(t, err)
			if field != tt.field {
				t.Errorf("%s: field %q, want %q (%s)", tt.name, field, tt.field, msg)
			}
			for _, s := range tt.says {
				if !strings.Contains(msg, s) {
					t.Errorf("%s: %q does not say %q", tt.name, msg, s)
				}
			}
		}
		if l, err := f.svc.Webhooks(f.ctx, f.org, porter.WebhookFilter{}); err != nil || l.Total != 0 {
			t.Fatalf("refused creates wrote %d webhooks (%v)", l.Total, err)
		}

		// Defaults, then edits.
		w := f.webhook(f.org, porter.WebhookInput{URL: url, Events: []string{"*"}})
		if w.Signature != "hmac-sha256" || w.PayloadFormat != "porter" || w.SignatureHeader != "X-PM-Signature" || w.PublicKey != "" {
			t.Fatalf("defaults %+v", w)
		}
		for _, p := range []struct {
			patch porter.WebhookPatch
			field string
		}{
			{porter.WebhookPatch{PayloadFormat: ptr("json")}, "payload_format"},
			{porter.WebhookPatch{SignatureHeader: ptr("X-Other")}, "signature_header"},
			{porter.WebhookPatch{Signature: ptr("ed25519")}, "signature"},
		} {
			_, err := f.svc.UpdateWebhook(f.ctx, f.org, w.ID, p.patch)
			if field, msg := fieldErr(t, err); field != p.field {
				t.Errorf("patch: field %q (%s), want %q", field, msg, p.field)
			}
		}
		got, err := f.svc.UpdateWebhook(f.ctx, f.org, w.ID, porter.WebhookPatch{PayloadFormat: ptr("concierge"), SignatureHeader: ptr("X-Signature"),
			Signature: ptr("hmac-sha256")})
		if err != nil || got.PayloadFormat != "concierge" || got.SignatureHeader != "X-Signature" {
			t.Fatalf("edit: %+v %v", got, err)
		}
		if again, _ := f.svc.Webhook(f.ctx, f.org, w.ID); again.PayloadFormat != "concierge" || again.SignatureHeader != "X-Signature" {
			t.Fatalf("stored %+v", again)
		}

		// An ed25519 webhook: no secret shown, a public key always, no
		// secret taken on rotation, and no HMAC header to switch to.
		ed := f.webhook(f.org, porter.WebhookInput{URL: url, Events: []string{"*"}, Signature: "ed25519", PayloadFormat: "standard"})
		if !regexp.MustCompile(`^whpk_[A-Za-z0-9+/]{43}=$`).MatchString(ed.PublicKey) {
			t.Fatalf("public key %q", ed.PublicKey)
		}
		if _, err := f.svc.RotateWebhookSecret(f.ctx, f.org, ed.ID, porter.RotateSecretInput{Secret: ptr("my-own-secret")}); err == nil {
			t.Fatal("rotation took a secret for an ed25519 webhook")
		} else if field, _ := fieldErr(t, err); field != "secret" {
			t.Fatalf("field %q", field)
		}
		if _, err := f.svc.UpdateWebhook(f.ctx, f.org, ed.ID, porter.WebhookPatch{SignatureHeader: ptr("X-ArkanPM-Signature")}); err == nil {
			t.Fatal("an ed25519 webhook took an HMAC header")
		}
		if again, _ := f.svc.Webhook(f.ctx, f.org, ed.ID); again.PublicKey != ed.PublicKey || again.SignatureHeader != "X-PM-Signature" {
			t.Fatalf("refused edits changed %+v", again)
		}
	})
}

// The JWKS lists each ed25519 webhook's current key and those rotated
// out within 24 hours, for the organization of the public id only.
func TestWebhookJWKS(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newQueueFixture(t, s)
		org, err := f.svc.Organization(f.ctx, f.org)
		if err != nil {
			t.Fatal(err)
		}
		other, err := f.svc.Organization(f.ctx, f.other)
		if err != nil {
			t.Fatal(err)
		}
		re := regexp.MustCompile(`^org_[0-9a-f]{32}$`)
		if !re.MatchString(org.PublicID) || !re.MatchString(other.PublicID) || org.PublicID == other.PublicID {
			t.Fatalf("public ids %q %q", org.PublicID, other.PublicID)
		}
		url := "http://127.0.0.1:9/hook"
		ed := f.webhook(f.org, porter.WebhookInput{URL: url, Events: []string{"*"}, Signature: "ed25519"})
		f.webhook(f.org, porter.WebhookInput{URL: url, Events: []string{"*"}})                         // HMAC: no public key
		f.webhook(f.other, porter.WebhookInput{URL: url, Events: []string{"*"}, Signature: "ed25519"}) // another organization's
		keys := func(publicID string) []porter.JWK {
			t.Helper()
			set, err := f.svc.WebhookJWKS(f.ctx, publicID)
			if err != nil {
				t.Fatal(err)
			}
			return set.Keys
		}
		if k := keys(org.PublicID); len(k) != 1 || k[0].PublicKey != ed.PublicKey || k[0].WebhookID != ed.ID || k[0].ExpiresAt != nil {
			t.Fatalf("JWKS %+v", k)
		}
		if _, err := f.svc.WebhookJWKS(f.ctx, "org_00000000000000000000000000000000"); porter.ErrorCode(err) != porter.ENOTFOUND {
			t.Fatalf("unknown public id: %v", err)
		}

		rot, err := f.svc.RotateWebhookSecret(f.ctx, f.org, ed.ID, porter.RotateSecretInput{})
		if err != nil {
			t.Fatal(err)
		}
		k := keys(org.PublicID)
		if len(k) != 2 || k[0].PublicKey != rot.PublicKey || k[1].PublicKey != ed.PublicKey || !k[1].ExpiresAt.Equal(f.now.Add(24*time.Hour)) {
			t.Fatalf("after rotation %+v", k)
		}
		if err := f.q.Refresh(f.ctx); err != nil {
			t.Fatal(err)
		}
		sub := f.q.Subscription(ed.ID)
		if n := len(sub.Keys(f.now)); n != 2 || len(sub.Secrets(f.now)) != 0 {
			t.Fatalf("queue signs with %d keys and %d secrets", n, len(sub.Secrets(f.now)))
		}
		if n := len(sub.Keys(f.now.Add(24 * time.Hour))); n != 1 {
			t.Fatalf("after the overlap the queue signs with %d keys", n)
		}
		f.now = f.now.Add(24*time.Hour + time.Second)
		if k := keys(org.PublicID); len(k) != 1 || k[0].PublicKey != rot.PublicKey {
			t.Fatalf("after the overlap %+v", k)
		}
	})
}
