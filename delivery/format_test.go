package delivery_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"testing"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"porter"
	"porter/delivery"
	"porter/storetest"
)

// Each verifier below is the seed's own receiver code ported to Go line
// for line: what an integrator who followed that seed's documentation
// runs. A delivery in that format must pass it unchanged.

// seed000 is seed 000's Node example: 'sha256=' + createHmac('sha256',
// secret).update(req.body).digest('hex'), compared with timingSafeEqual.
func seed000(secret string, h http.Header, body []byte) bool {
	signature := h.Get("x-pm-signature")
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	expected := "sha256=" + hex.EncodeToString(m.Sum(nil))
	return len(expected) == len(signature) && subtle.ConstantTimeCompare([]byte(expected), []byte(signature)) == 1
}

// seed002 is seed 002's Node example: createHmac("sha256", secret)
// .update(payload).digest("hex"); if (signature !== expected) reject.
func seed002(secret string, h http.Header, body []byte) bool {
	signature := h.Get("X-ArkanPM-Signature")
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	expected := hex.EncodeToString(m.Sum(nil))
	return signature == expected
}

// seed003 checks X-Signature, seed 003's "HMAC header": HMAC-SHA256 of
// the raw body, hex (the seed shows no code; it signs "HMAC-SHA256").
func seed003(secret string, h http.Header, body []byte) bool {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return hmac.Equal([]byte(h.Get("X-Signature")), []byte(hex.EncodeToString(m.Sum(nil))))
}

// seed001 checks propexo-signature as Propexo's Node example does (seed
// 001's own is cut off after its first line): createHmac("sha256",
// secret) of the payload, digest("hex"), compared with timingSafeEqual.
func seed001(secret string, h http.Header, body []byte) bool {
	signature := h.Get("propexo-signature")
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	digest := hex.EncodeToString(m.Sum(nil))
	return len(signature) == len(digest) && subtle.ConstantTimeCompare([]byte(signature), []byte(digest)) == 1
}

func TestDeliverFormats(t *testing.T) {
	tests := []struct {
		format, header string
		verify         func(secret string, h http.Header, body []byte) bool
		// keys the body must have, and where its event id is ("" when
		// only webhook-id carries it, as in Standard Webhooks).
		keys    []string
		idKey   string
		resKey  string // data holds the resource under this name; "" when data is the resource
		checkOf func(t *testing.T, env map[string]any, org *porter.Organization)
	}{
		{porter.PayloadPorter, porter.SignatureHeaderPM, seed000, []string{"event", "id", "fired_at", "data"}, "id", "", nil},
		{porter.PayloadStandard, porter.SignatureHeaderPM, seed000, []string{"type", "timestamp", "data"}, "", "", nil},
		{porter.PayloadArkanPM, porter.SignatureHeaderArkanPM, seed002, []string{"event", "event_id", "timestamp", "tenant_id", "data"}, "event_id", "property",
			func(t *testing.T, env map[string]any, org *porter.Organization) {
				if env["tenant_id"] != org.PublicID {
					t.Errorf("tenant_id %v, want the organization's public id %s", env["tenant_id"], org.PublicID)
				}
			}},
		{porter.PayloadConcierge, porter.SignatureHeaderSignature, seed003, []string{"id", "event", "created_at", "agency_id", "data"}, "id", "property",
			func(t *testing.T, env map[string]any, org *porter.Organization) {
				if env["agency_id"] != float64(org.ID) {
					t.Errorf("agency_id %v, want %d", env["agency_id"], org.ID)
				}
				if s, _ := env["created_at"].(string); len(s) != len("2026-07-15T10:23:41+00:00") || s[19:] != "+00:00" {
					t.Errorf("created_at %q, want seed 003's 2026-07-15T10:23:41+00:00 form", s)
				}
			}},
		{porter.PayloadPorter, porter.SignatureHeaderPropexo, seed001, []string{"event", "id", "fired_at", "data"}, "id", "", nil},
	}
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := start(t, s, delivery.Config{})
		org, err := f.svc.Organization(f.ctx, f.org)
		if err != nil {
			t.Fatal(err)
		}
		if len(org.PublicID) != len("org_")+32 {
			t.Fatalf("public id %q", org.PublicID)
		}
		rcs := make([]*receiver, len(tests))
		secrets := make([]string, len(tests))
		for i, tt := range tests {
			rcs[i] = newReceiver(t, nil)
			w := f.webhook(porter.WebhookInput{URL: rcs[i].URL + "/hook", Events: []string{"property.created"},
				PayloadFormat: tt.format, SignatureHeader: tt.header})
			if w.PayloadFormat != tt.format || w.SignatureHeader != tt.header || w.Signature != porter.WebhookSignatureHMAC || w.PublicKey != "" {
				t.Fatalf("webhook %+v", w.Webhook)
			}
			secrets[i] = w.Secret
		}
		p := f.property("Maple Court")
		var eventID string
		for i, tt := range tests {
			t.Run(tt.format+"/"+tt.header, func(t *testing.T) {
				r := rcs[i].next(t)
				if !tt.verify(secrets[i], r.Header, r.Body) {
					t.Fatalf("the seed's verifier refuses %s with %s: %v", r.Body, tt.header, r.Header)
				}
				// The other HMAC headers are not sent: one signature header, as chosen.
				for _, other := range porter.SignatureHeaders {
					if other != tt.header && r.Header.Get(other) != "" {
						t.Errorf("%s sent beside %s", other, tt.header)
					}
				}
				// Standard Webhooks' headers and signature come in every format.
				wh, err := standardwebhooks.NewWebhook(secrets[i])
				if err != nil {
					t.Fatal(err)
				}
				if err := wh.Verify(r.Body, r.Header); err != nil {
					t.Fatalf("Standard Webhooks library: %v", err)
				}
				var env map[string]any
				if err := json.Unmarshal(r.Body, &env); err != nil {
					t.Fatal(err)
				}
				for _, k := range tt.keys {
					if _, ok := env[k]; !ok {
						t.Errorf("%s: no %q in %s", tt.format, k, r.Body)
					}
				}
				if len(env) != len(tt.keys) {
					t.Errorf("%s: keys %v, want exactly %v", tt.format, env, tt.keys)
				}
				// The event id is the same whatever the format: webhook-id, and the body's own id field.
				id := r.Header.Get("webhook-id")
				if eventID == "" {
					eventID = id
				} else if id != eventID {
					t.Errorf("webhook-id %s, want the event's %s in every format", id, eventID)
				}
				if tt.idKey != "" && env[tt.idKey] != id {
					t.Errorf("%s = %v, want %s", tt.idKey, env[tt.idKey], id)
				}
				name := map[string]string{porter.PayloadStandard: "type"}[tt.format]
				if name == "" {
					name = "event"
				}
				if env[name] != "property.created" {
					t.Errorf("%s = %v", name, env[name])
				}
				data := env["data"].(map[string]any)
				if tt.resKey != "" {
					data, _ = data[tt.resKey].(map[string]any)
				}
				if data == nil || data["id"] != float64(p.ID) || data["name"] != "Maple Court" {
					t.Errorf("data %v", env["data"])
				}
				if tt.checkOf != nil {
					tt.checkOf(t, env, org)
				}
			})
		}
		// The delivery log shows the body as it was sent, in its format.
		hooks, err := f.svc.Webhooks(f.ctx, f.org, porter.WebhookFilter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range hooks.Items {
			if h.PayloadFormat != porter.PayloadArkanPM {
				continue
			}
			d := f.wait(h.ID, "succeeded", status(porter.DeliverySucceeded))
			body, err := f.svc.DeliveryBody(f.ctx, f.org, d.ID)
			if err != nil {
				t.Fatal(err)
			}
			var env map[string]any
			if err := json.Unmarshal(body, &env); err != nil || env["event_id"] != eventID {
				t.Fatalf("logged body %s (%v)", body, err)
			}
		}
	})
}
