package delivery_test

import (
	"strings"
	"testing"

	"porter"
	"porter/delivery"
	"porter/storetest"
)

// A webhook whose secret this server cannot decrypt (sealed under another
// PORTER_SECRET_KEY) must not stop the fan-out of every other webhook: the
// others deliver, and its own attempts fail with the reason, unsent and
// kept for retry, never sent unsigned.
func TestUndecryptableSecretFailsOnlyItsWebhook(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		rc := newReceiver(t, nil)
		f := newFixture(t, s)
		broken := f.webhook(porter.WebhookInput{URL: rc.URL, Events: []string{"property.created"}})
		healthy := f.webhook(porter.WebhookInput{URL: rc.URL, Events: []string{"property.created"}})
		storetest.Exec(t, s, "UPDATE webhooks SET secret = ? WHERE id = ?", []byte("sealed under another key"), broken.ID)
		f.run(delivery.Config{})
		f.property("Maple")

		ok := f.wait(healthy.ID, "to the healthy webhook", func(d *porter.Delivery) bool { return d.Status == porter.DeliverySucceeded })
		if ok.Attempts[0].Error != "" {
			t.Fatalf("healthy attempt: %+v", ok.Attempts[0])
		}
		d := f.wait(broken.ID, "attempted to the broken webhook", func(d *porter.Delivery) bool { return d.Error != "" })
		a := d.Attempts[0]
		if !strings.Contains(a.Error, "cannot be decrypted") || a.ResponseStatus != nil {
			t.Fatalf("broken attempt: %+v", a)
		}
		if n := rc.count(); n != 1 {
			t.Fatalf("the receiver got %d requests, want only the healthy one", n)
		}
	})
}
