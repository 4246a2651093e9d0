package porter_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"porter"
	"porter/storetest"
	"porter/webhook"
)

// Every secret rotated out within 24 hours keeps signing, up to five at
// once (README: "Webhook subscriptions"); a sixth rotation within the
// window is a 409 that changes nothing; each one stops at its own 24 h.
func TestRotationKeepsEverySecretInItsOverlap(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newQueueFixture(t, s)
		t0 := f.now
		secret := func(i int) string { return "rotation-secret-" + string(rune('a'+i)) }
		w, err := f.svc.CreateWebhook(f.ctx, f.org, porter.WebhookInput{URL: "http://127.0.0.1:9/hook", Events: []string{"*"}, Secret: ptr(secret(0))})
		if err != nil {
			t.Fatal(err)
		}
		id := w.ID
		rotate := func(i int) error {
			_, err := f.svc.RotateWebhookSecret(f.ctx, f.org, id, porter.RotateSecretInput{Secret: ptr(secret(i))})
			return err
		}
		signing := func(want ...int) {
			t.Helper()
			var names []string
			for _, i := range want {
				names = append(names, secret(i))
			}
			got, err := f.svc.SigningSecrets(f.ctx, f.org, id)
			if err != nil || !slices.Equal(got, names) {
				t.Fatalf("at +%v: signing %q, %v; want %q", f.now.Sub(t0), got, err, names)
			}
			// The delivery side reads the same secrets from the queue.
			if err := f.q.Refresh(f.ctx); err != nil {
				t.Fatal(err)
			}
			if got := f.q.Subscription(id).Secrets(f.now); !slices.Equal(got, names) {
				t.Fatalf("at +%v: queue signs with %q; want %q", f.now.Sub(t0), got, names)
			}
		}

		// Four rotations an hour apart: five secrets sign.
		for i := 1; i <= 4; i++ {
			if err := rotate(i); err != nil {
				t.Fatalf("rotation %d: %v", i, err)
			}
			f.now = f.now.Add(time.Hour)
		}
		signing(4, 3, 2, 1, 0)

		// Every one of them signs webhook-signature; X-PM-Signature is the newest's.
		body := []byte(`{"event":"tenant.created"}`)
		h := webhook.Attempt{Event: "tenant.created", EventID: "evt_1", AttemptID: "att_1", Timestamp: f.now,
			Secrets: f.q.Subscription(id).Secrets(f.now)}.Header(body)
		sigs := strings.Fields(h.Get("webhook-signature"))
		if len(sigs) != 5 {
			t.Fatalf("webhook-signature has %d signatures: %q", len(sigs), h.Get("webhook-signature"))
		}
		for i, want := range []int{4, 3, 2, 1, 0} {
			if sigs[i] != webhook.SignStandard([]string{secret(want)}, "evt_1", f.now, body) {
				t.Errorf("signature %d is not secret %d's", i, want)
			}
		}
		if h.Get("X-PM-Signature") != webhook.SignPM(secret(4), body) {
			t.Error("X-PM-Signature is not the newest secret's")
		}

		// A sixth within the window is refused and changes nothing.
		before := len(f.events("webhook.updated"))
		err = rotate(5)
		want := "webhook " + itoa(id) + " already has 5 signing secrets, the most at once: the current one and 4 rotated out within the last 24 hours; the oldest stops signing at 2025-05-10T14:30:00Z, rotate again after that"
		if porter.ErrorCode(err) != porter.ECONFLICT || porter.ErrorMessage(err) != want {
			t.Fatalf("sixth rotation: %v (%s)\nwant %s", err, porter.ErrorCode(err), want)
		}
		signing(4, 3, 2, 1, 0)
		if len(f.events("webhook.updated")) != before {
			t.Error("a refused rotation recorded an event")
		}

		// Each retired secret stops at its own 24 hours, not a second later.
		f.now = t0.Add(24*time.Hour - time.Second)
		signing(4, 3, 2, 1, 0)
		f.now = t0.Add(24 * time.Hour)
		signing(4, 3, 2, 1)
		if err := rotate(5); err != nil {
			t.Fatalf("rotation after the oldest expired: %v", err)
		}
		signing(5, 4, 3, 2, 1)
		f.now = t0.Add(25 * time.Hour)
		signing(5, 4, 3, 2)
		f.now = t0.Add(27 * time.Hour) // c and d were rotated out at +2 h and +3 h
		signing(5, 4)
		f.now = t0.Add(48 * time.Hour) // e was rotated out at +24 h
		signing(5)
	})
}

// A secret rotated out before lists existed (one sealed secret and its
// expiry) still signs until that expiry, and joins the list on the next
// rotation.
func TestRotationReadsASingleStoredPreviousSecret(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newQueueFixture(t, s)
		w, err := f.svc.CreateWebhook(f.ctx, f.org, porter.WebhookInput{URL: "http://127.0.0.1:9/hook", Events: []string{"*"}, Secret: ptr("current-secret")})
		if err != nil {
			t.Fatal(err)
		}
		cur, _ := f.svc.Secrets.Seal("current-secret")
		old, _ := f.svc.Secrets.Seal("legacy-secret")
		expires := f.now.Add(2 * time.Hour)
		err = s.Update(f.ctx, f.org, func(tx porter.Tx) error {
			return tx.SetWebhookSecrets(f.ctx, w.ID, porter.WebhookSealedSecrets{Current: cur, Previous: old, PreviousExpiresAt: &expires})
		})
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := f.svc.SigningSecrets(f.ctx, f.org, w.ID); !slices.Equal(got, []string{"current-secret", "legacy-secret"}) {
			t.Fatalf("signing %q", got)
		}
		f.now = f.now.Add(time.Hour)
		if _, err := f.svc.RotateWebhookSecret(f.ctx, f.org, w.ID, porter.RotateSecretInput{Secret: ptr("next-secret")}); err != nil {
			t.Fatal(err)
		}
		if got, _ := f.svc.SigningSecrets(f.ctx, f.org, w.ID); !slices.Equal(got, []string{"next-secret", "current-secret", "legacy-secret"}) {
			t.Fatalf("after rotation: %q", got)
		}
		if cur, prev, _ := f.svc.WebhookSecrets(f.ctx, f.org, w.ID); cur != "next-secret" || prev != "current-secret" {
			t.Fatalf("WebhookSecrets: %q %q", cur, prev)
		}
		f.now = expires
		if got, _ := f.svc.SigningSecrets(f.ctx, f.org, w.ID); !slices.Equal(got, []string{"next-secret", "current-secret"}) {
			t.Fatalf("after the legacy expiry: %q", got)
		}
		// Sealed at rest: the stored list holds no plaintext.
		err = s.View(f.ctx, f.org, func(tx porter.Tx) error {
			sealed, err := tx.WebhookSecrets(f.ctx, w.ID)
			if err != nil {
				return err
			}
			if strings.Contains(string(sealed.Previous), "secret") || strings.Contains(string(sealed.Current), "secret") {
				t.Error("secrets stored in plaintext")
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
