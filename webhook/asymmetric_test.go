package webhook

import (
	"crypto/ed25519"
	"strings"
	"testing"
	"time"
)

// RFC 8032's first test key, signing the Standard Webhooks vector's
// content. The expected values were computed outside Go, with Python's
// cryptography (Ed25519PrivateKey.from_private_bytes(seed).sign(msg)).
const (
	rfcSecret = "whsk_nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2DXWpgBgrEKt9VL/tPJZAc6DuFy89qmIyWvAhpo9wdRGg=="
	rfcPublic = "whpk_11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="
	rfcSig    = "v1a,fldxM4gAKugP6nnt1hdz3sgGfZ6d99nzrMFnZOELIxbzEHoVmAb2ADpkJK7zgPePmPsle0zV9jSeGlHFG2NVAw=="
)

func TestSignAsymmetricVector(t *testing.T) {
	key, err := ParseSecretKey(rfcSecret)
	if err != nil {
		t.Fatal(err)
	}
	if got := PublicKeyString(key); got != rfcPublic {
		t.Fatalf("public key %s, want %s", got, rfcPublic)
	}
	ts, body := time.Unix(1614265330, 0), []byte(`{"test": 2432232314}`)
	if got := SignAsymmetric([]ed25519.PrivateKey{key}, "msg_p5jXN8AQM9LWM0D4loKWxJek", ts, body); got != rfcSig {
		t.Fatalf("SignAsymmetric = %s, want %s", got, rfcSig)
	}
	// A 32-byte seed reads as the same key.
	seedOnly, err := ParseSecretKey("whsk_nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=")
	if err != nil || !seedOnly.Equal(key) {
		t.Fatalf("seed: %v", err)
	}
	pub, err := ParsePublicKey(rfcPublic)
	if err != nil {
		t.Fatal(err)
	}
	if !VerifyAsymmetric([]ed25519.PublicKey{pub}, "msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265330", "v1,ignored= "+rfcSig, body) {
		t.Fatal("the vector does not verify")
	}
	if VerifyAsymmetric([]ed25519.PublicKey{pub}, "msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265331", rfcSig, body) {
		t.Fatal("another timestamp verified")
	}
}

func TestAsymmetricRotation(t *testing.T) {
	oldSecret, oldPublic := NewKeyPair()
	newSecret, newPublic := NewKeyPair()
	keys := make([]ed25519.PrivateKey, 2)
	for i, s := range []string{newSecret, oldSecret} {
		k, err := ParseSecretKey(s)
		if err != nil {
			t.Fatal(err)
		}
		keys[i] = k
	}
	body, ts := []byte(`{"type":"tenant.created"}`), time.Unix(1700000000, 0)
	h := Attempt{Event: "tenant.created", EventID: "evt_1_1", AttemptID: "att_1", Timestamp: ts, Keys: keys,
		Secrets: []string{"ignored-when-keys-sign"}}.Header(body)
	sig := h.Get("webhook-signature")
	if parts := strings.Fields(sig); len(parts) != 2 || !strings.HasPrefix(parts[0], "v1a,") || !strings.HasPrefix(parts[1], "v1a,") {
		t.Fatalf("webhook-signature %q", sig)
	}
	if h.Get("X-PM-Signature") != "" {
		t.Fatal("an HMAC header beside ed25519 keys")
	}
	for _, p := range []string{newPublic, oldPublic} {
		pub, _ := ParsePublicKey(p)
		if !VerifyAsymmetric([]ed25519.PublicKey{pub}, "evt_1_1", "1700000000", sig, body) {
			t.Fatalf("%s does not verify", p)
		}
	}
	for _, bad := range []string{"whsk_", "whsk_AAAA", "nope", "whsk_!!"} {
		if _, err := ParseSecretKey(bad); err == nil {
			t.Errorf("ParseSecretKey(%q) accepted", bad)
		}
	}
}

// Seed 000's header has a "sha256=" prefix; seeds 001, 002 and 003's are
// the bare hex (computed with python3 hmac.new(secret, body, sha256)).
func TestSignHeader(t *testing.T) {
	const hex = "63ab40537a498f6c445c4c34a882f6e270d47dcd45c8e0a117047de09fd5979f"
	for name, want := range map[string]string{HeaderPM: "sha256=" + hex, "": "sha256=" + hex, HeaderArkanPM: hex, HeaderSignature: hex, HeaderPropexo: hex} {
		if got := SignHeader(name, "your_signing_secret", []byte(seedBody)); got != want {
			t.Errorf("%q: %s, want %s", name, got, want)
		}
	}
	h := Attempt{Event: "x", EventID: "evt_1_1", Timestamp: time.Unix(1, 0), Secrets: []string{"your_signing_secret"}, SignatureHeader: HeaderArkanPM}.Header([]byte(seedBody))
	if h.Get("X-ArkanPM-Signature") != hex || h.Get("X-PM-Signature") != "" || !strings.HasPrefix(h.Get("webhook-signature"), "v1,") {
		t.Fatalf("headers %v", h)
	}
}

// BenchmarkHeader: the cost of signing one attempt, per scheme.
func BenchmarkHeader(b *testing.B) {
	body := []byte(seedBody)
	k1, _ := NewKeyPair()
	k2, _ := NewKeyPair()
	key1, _ := ParseSecretKey(k1)
	key2, _ := ParseSecretKey(k2)
	for _, c := range []struct {
		name string
		a    Attempt
	}{
		{"hmac", Attempt{Secrets: []string{NewSecret()}}},
		{"ed25519", Attempt{Keys: []ed25519.PrivateKey{key1}}},
		{"ed25519-rotating", Attempt{Keys: []ed25519.PrivateKey{key1, key2}}},
	} {
		b.Run(c.name, func(b *testing.B) {
			a := c.a
			a.Event, a.EventID, a.AttemptID, a.Timestamp = "payment.succeeded", "evt_1715261400_42", "att_1", time.Unix(1715261400, 0)
			for b.Loop() {
				a.Header(body)
			}
		})
	}
}
