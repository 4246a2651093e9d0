package http_test

import (
	"net/http"
	"strings"
	"testing"
)

// An ed25519 webhook through the API: the public key in every read, no
// secret ever; the organization's JWKS with no key, cacheable; bad
// choices 400 naming the field.
func TestWebhookEd25519AndJWKS(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		r := a.do("POST", "/v1/webhooks", map[string]any{"url": "http://127.0.0.1:9/a", "events": []string{"tenant.created"},
			"signature": "ed25519", "payload_format": "standard"}).must(t, 201)
		h := r.obj("data")
		pub, _ := h["public_key"].(string)
		if !strings.HasPrefix(pub, "whpk_") || h["secret"] != nil || h["signature"] != "ed25519" || h["payload_format"] != "standard" ||
			h["signature_header"] != "X-PM-Signature" {
			t.Fatalf("created %s", r.Body)
		}
		id := itoa(int(idOf(h)))
		if got := a.do("GET", "/v1/webhooks/"+id, nil).must(t, 200).obj("data"); got["public_key"] != pub {
			t.Fatalf("GET %v", got)
		}
		org := a.do("GET", "/v1/organization", nil).must(t, 200).obj("data")
		publicID, _ := org["public_id"].(string)
		if !strings.HasPrefix(publicID, "org_") {
			t.Fatalf("organization %v", org)
		}

		jwks := a.doKey("", "GET", "/.well-known/webhooks/"+publicID+"/jwks.json", nil, nil).must(t, 200)
		keys, _ := jwks.JSON["keys"].([]any)
		if len(keys) != 1 || keys[0].(map[string]any)["public_key"] != pub || keys[0].(map[string]any)["kty"] != "OKP" {
			t.Fatalf("JWKS %s", jwks.Body)
		}
		if cc := jwks.Header.Get("Cache-Control"); cc != "public, max-age=300" || jwks.Header.Get("ETag") == "" ||
			!strings.HasPrefix(jwks.Header.Get("Content-Type"), "application/json") {
			t.Fatalf("headers %v", jwks.Header)
		}
		a.doKey("", "GET", "/.well-known/webhooks/"+publicID+"/jwks.json", nil, http.Header{"If-None-Match": {jwks.Header.Get("ETag")}}).must(t, 304)

		rot := a.do("POST", "/v1/webhooks/"+id+"/rotate_secret", nil).must(t, 200).obj("data")
		if rot["secret"] != nil || rot["public_key"] == pub {
			t.Fatalf("rotated %v", rot)
		}
		jwks = a.doKey("", "GET", "/.well-known/webhooks/"+publicID+"/jwks.json", nil, nil).must(t, 200)
		if keys, _ := jwks.JSON["keys"].([]any); len(keys) != 2 {
			t.Fatalf("after rotation %s", jwks.Body)
		}
		// The other organization's id lists only its own keys; an unknown one is 404.
		other := a.doKey(a.otherKey, "GET", "/v1/organization", nil, nil).must(t, 200).obj("data")
		if keys, _ := a.doKey("", "GET", "/.well-known/webhooks/"+other["public_id"].(string)+"/jwks.json", nil, nil).must(t, 200).JSON["keys"].([]any); len(keys) != 0 {
			t.Fatalf("the other organization lists %v", keys)
		}
		a.doKey("", "GET", "/.well-known/webhooks/org_nope/jwks.json", nil, nil).must(t, 404)

		// Bad choices: 400 naming the field and the allowed values; nothing written.
		before := a.eventCount()
		for _, c := range []struct {
			method, path string
			body         map[string]any
			says         string
		}{
			{"POST", "/v1/webhooks", map[string]any{"url": "http://127.0.0.1:9/b", "events": []string{"*"}, "payload_format": "xml"},
				"payload_format must be one of porter, standard, arkanpm, concierge"},
			{"POST", "/v1/webhooks", map[string]any{"url": "http://127.0.0.1:9/b", "events": []string{"*"}, "signature_header": "X-Hub-Signature-256"},
				"signature_header must be one of X-PM-Signature, X-ArkanPM-Signature, X-Signature, propexo-signature"},
			{"POST", "/v1/webhooks", map[string]any{"url": "http://127.0.0.1:9/b", "events": []string{"*"}, "signature": "ed25519", "secret": "my-secret-1"},
				"secret is not taken by an ed25519 webhook"},
			{"PATCH", "/v1/webhooks/" + id, map[string]any{"signature": "hmac-sha256"}, "signature is chosen at creation"},
			{"PATCH", "/v1/webhooks/" + id, map[string]any{"signature_header": "X-Signature"}, "must stay X-PM-Signature for an ed25519 webhook"},
			{"POST", "/v1/webhooks/" + id + "/rotate_secret", map[string]any{"secret": "my-secret-1"}, "rotation makes a new key pair"},
		} {
			r := a.do(c.method, c.path, c.body).must(t, 400)
			if d, _ := r.JSON["detail"].(string); !strings.Contains(d, c.says) {
				t.Errorf("%s %s: %s, want it to say %q", c.method, c.path, r.Body, c.says)
			}
		}
		if a.eventCount() != before {
			t.Fatal("a refused request wrote")
		}
		a.do("PATCH", "/v1/webhooks/"+id, map[string]any{"payload_format": "concierge"}).must(t, 200)
	})
}
