package porter_test

import (
	"bytes"
	"testing"

	"porter"
	"porter/storetest"
)

// A delivery's body is what its attempts send: the event's envelope, or a
// test's sample as queued; another organization's delivery is not found.
func TestDeliveryBody(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newQueueFixture(t, s)
		hook := f.webhook(f.org, porter.WebhookInput{Events: []string{"property.created"}})
		f.property(f.org, "Maple Court")
		f.fanOut()
		d := f.claim(hook.ID, 1)[0]
		body, err := f.svc.DeliveryBody(f.ctx, f.org, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(body, d.Body) || !bytes.Contains(body, []byte(`"Maple Court"`)) {
			t.Fatalf("body %s, sent %s", body, d.Body)
		}
		test, err := f.svc.TestWebhook(f.ctx, f.org, hook.ID, porter.TestInput{})
		if err != nil {
			t.Fatal(err)
		}
		sent := f.claim(hook.ID, 1)[0]
		body, err = f.svc.DeliveryBody(f.ctx, f.org, test.ID)
		if err != nil {
			t.Fatal(err)
		}
		if sent.ID != test.ID || !bytes.Equal(body, sent.Body) || !bytes.Contains(body, []byte(`"test":true`)) {
			t.Fatalf("test body %s, sent %s", body, sent.Body)
		}
		if _, err := f.svc.DeliveryBody(f.ctx, f.other, d.ID); porter.ErrorCode(err) != porter.ENOTFOUND {
			t.Fatalf("another organization's delivery: %v", err)
		}
	})
}
