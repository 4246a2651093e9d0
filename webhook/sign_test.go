package webhook

import (
	"crypto/hmac"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
)

// seedBody is a delivery body shaped like seed 000's example.
const seedBody = `{"event":"payment.succeeded","id":"evt_1715261400_42","fired_at":"2025-05-09T14:30:00Z","data":{"id":42,"tenant_id":7,"amount":1800.00}}`

// TestSignPM reproduces seed 000's receivers. The expected values were computed
// outside Go, with the same body and secret:
//
//	printf '%s' "$body" | openssl dgst -sha256 -hmac 'your_signing_secret'
//	python3: 'sha256=' + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
//	node:    'sha256=' + crypto.createHmac('sha256', secret).update(body).digest('hex')
//
// (all three agree), i.e. PHP's 'sha256=' . hash_hmac('sha256', $raw_body, $secret).
func TestSignPM(t *testing.T) {
	tests := []struct {
		secret, body, want string
	}{
		{"your_signing_secret", seedBody, "sha256=63ab40537a498f6c445c4c34a882f6e270d47dcd45c8e0a117047de09fd5979f"},
		// A whsec_ secret is used as the string it is, not base64-decoded.
		{"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", seedBody, "sha256=540d76ce31748c864e3eb039e0519601b10be6bdd661b61cc779cd62a2c67c4d"},
		// RFC 4231 test case 2 (key "Jefe").
		{"Jefe", "what do ya want for nothing?", "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
	}
	for _, tt := range tests {
		if got := SignPM(tt.secret, []byte(tt.body)); got != tt.want {
			t.Errorf("SignPM(%q) = %s, want %s", tt.secret, got, tt.want)
		}
	}
}

// The published vector, as in the official library's TestWebhookSign
// (libraries/go/webhook_test.go, v0.0.1) and its C# and other ports.
func TestSignStandardVector(t *testing.T) {
	got := SignStandard([]string{"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"},
		"msg_p5jXN8AQM9LWM0D4loKWxJek", time.Unix(1614265330, 0), []byte(`{"test": 2432232314}`))
	if want := "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="; got != want {
		t.Errorf("SignStandard = %s, want %s", got, want)
	}
	if got := SignStandard(nil, "msg", time.Unix(1, 0), nil); got != "" {
		t.Errorf("no secret: %q, want empty", got)
	}
	if got := SignStandard([]string{""}, "msg", time.Unix(1, 0), nil); got != "" {
		t.Errorf("empty secret: %q, want empty", got)
	}
}

func TestStandardKey(t *testing.T) {
	key := StandardKey("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
	want, _ := base64.StdEncoding.DecodeString("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
	if !hmac.Equal(key, want) {
		t.Errorf("whsec_ key = %x, want %x", key, want)
	}
	if got := string(StandardKey("plain-secret")); got != "plain-secret" {
		t.Errorf("plain key = %q", got)
	}
	if got := string(StandardKey("whsec_not base64!")); got != "whsec_not base64!" {
		t.Errorf("bad whsec_ key = %q, want the bytes as given", got)
	}
}

func newLib(t *testing.T, secret string) *standardwebhooks.Webhook {
	t.Helper()
	var wh *standardwebhooks.Webhook
	var err error
	if strings.HasPrefix(secret, SecretPrefix) {
		wh, err = standardwebhooks.NewWebhook(secret)
	} else {
		wh, err = standardwebhooks.NewWebhookRaw([]byte(secret))
	}
	if err != nil {
		t.Fatal(err)
	}
	return wh
}

func TestStandardAcceptedByOfficialLibrary(t *testing.T) {
	body := []byte(seedBody)
	oldSecret, newSecret := NewSecret(), NewSecret()
	plain := "your_signing_secret"

	for _, secrets := range [][]string{{newSecret}, {plain}, {newSecret, oldSecret}, {newSecret, plain}} {
		a := Attempt{Event: "payment.succeeded", EventID: "evt_1715261400_42", AttemptID: NewAttemptID(), Timestamp: time.Now(), Secrets: secrets}
		h := a.Header(body)
		for _, s := range secrets {
			if err := newLib(t, s).Verify(body, h); err != nil {
				t.Errorf("secrets %q: library rejects the signature for %q: %v", secrets, s, err)
			}
		}
		// Tampering and a wrong secret are rejected.
		if err := newLib(t, secrets[0]).Verify([]byte(seedBody+" "), h); err == nil {
			t.Errorf("secrets %q: tampered body accepted", secrets)
		}
		if err := newLib(t, NewSecret()).Verify(body, h); err == nil {
			t.Errorf("secrets %q: another secret accepted", secrets)
		}
	}

	// The library's own signer and ours agree for any secret and timestamp.
	ts := time.Unix(1715261400, 0)
	for _, s := range []string{newSecret, oldSecret} {
		libSig, err := newLib(t, s).Sign("evt_1", ts, body)
		if err != nil {
			t.Fatal(err)
		}
		if got := SignStandard([]string{s}, "evt_1", ts, body); got != libSig {
			t.Errorf("SignStandard = %s, library = %s", got, libSig)
		}
	}
}

func TestNewSecret(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		s := NewSecret()
		if !strings.HasPrefix(s, "whsec_") {
			t.Fatalf("secret %q lacks whsec_", s)
		}
		key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(s, "whsec_"))
		if err != nil || len(key) != 32 {
			t.Fatalf("secret %q: key %d bytes, %v", s, len(key), err)
		}
		if err := CheckSecret(s); err != nil {
			t.Fatalf("CheckSecret(NewSecret()) = %v", err)
		}
		if seen[s] {
			t.Fatalf("duplicate secret %q", s)
		}
		seen[s] = true
	}
}

func TestCheckSecret(t *testing.T) {
	tests := []struct {
		secret string
		ok     bool
	}{
		{"your_signing_secret", true},
		{"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", true},
		{"x", true},
		{"", false},
		{strings.Repeat("a", 257), false},
		{"has space", false},
		{"tab\tinside", false},
		{"naïve", false},
		{"whsec_not*base64", false},
		{"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS", false},                        // bad length
		{"whsec_" + base64.StdEncoding.EncodeToString(make([]byte, 16)), false}, // key too short
		{"whsec_" + base64.StdEncoding.EncodeToString(make([]byte, 65)), false}, // key too long
		{"whsec_" + base64.StdEncoding.EncodeToString(make([]byte, 64)), true},
	}
	for _, tt := range tests {
		if err := CheckSecret(tt.secret); (err == nil) != tt.ok {
			t.Errorf("CheckSecret(%q) = %v, want ok=%v", tt.secret, err, tt.ok)
		}
	}
}

func TestNewAttemptID(t *testing.T) {
	a, b := NewAttemptID(), NewAttemptID()
	if a == b || !strings.HasPrefix(a, "att_") || len(a) != 4+24 {
		t.Errorf("attempt ids %q, %q", a, b)
	}
}

func TestHeader(t *testing.T) {
	body := []byte(seedBody)
	ts := time.Unix(1715261400, 0)
	newest, older := "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "your_signing_secret"
	a := Attempt{Event: "payment.succeeded", EventID: "evt_1715261400_42", AttemptID: "att_0123456789abcdef01234567", Timestamp: ts, Secrets: []string{newest, older}}
	h := a.Header(body)
	want := map[string]string{
		"Content-Type":      "application/json",
		"User-Agent":        "Porter-Webhooks/" + Version,
		"X-PM-Event":        "payment.succeeded",
		"X-PM-Delivery":     "att_0123456789abcdef01234567",
		"X-PM-Signature":    SignPM(newest, body),
		"webhook-id":        "evt_1715261400_42",
		"webhook-timestamp": "1715261400",
		"webhook-signature": SignStandard([]string{newest}, a.EventID, ts, body) + " " + SignStandard([]string{older}, a.EventID, ts, body),
	}
	for k, v := range want {
		if got := h.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if len(h) != len(want) {
		t.Errorf("%d headers, want %d: %v", len(h), len(want), h)
	}

	// Unsigned: no signature headers at all.
	a.Secrets = nil
	h = a.Header(body)
	for _, k := range []string{"X-PM-Signature", "webhook-signature"} {
		if _, ok := h[http.CanonicalHeaderKey(k)]; ok {
			t.Errorf("unsigned attempt has %s", k)
		}
	}
	if h.Get("webhook-id") == "" || h.Get("X-PM-Event") == "" {
		t.Error("unsigned attempt lacks its ids")
	}
}

// TestHeaderOnTheWire sends a signed attempt to a receiver that verifies it
// like seed 000's examples (raw body, constant-time compare) and like a
// Standard Webhooks consumer.
func TestHeaderOnTheWire(t *testing.T) {
	const secret = "your_signing_secret"
	std := NewSecret()
	type result struct {
		pm  bool
		std error
		ua  string
	}
	lib := newLib(t, std)
	got := make(chan result, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		expected := SignPM(secret, raw)
		got <- result{
			pm:  hmac.Equal([]byte(expected), []byte(r.Header.Get("X-PM-Signature"))),
			std: lib.Verify(raw, r.Header),
			ua:  r.UserAgent(),
		}
	}))
	defer srv.Close()

	body := []byte(seedBody)
	// X-PM-Signature is signed by the newest secret, the first one.
	a := Attempt{Event: "payment.succeeded", EventID: "evt_1", AttemptID: NewAttemptID(), Timestamp: time.Now(), Secrets: []string{secret, std}}
	req, _ := http.NewRequest("POST", srv.URL, strings.NewReader(string(body)))
	req.Header = a.Header(body)
	resp, err := (&Guard{AllowPrivate: true}).Client(5 * time.Second).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	r := <-got
	if !r.pm || r.std != nil || r.ua != "Porter-Webhooks/"+Version {
		t.Errorf("receiver: X-PM-Signature valid %v, Standard Webhooks %v, User-Agent %q", r.pm, r.std, r.ua)
	}
}

// The README gives integrators a secret, a body and both signatures to test
// their verifier with; those figures must stay true.
func TestREADMEVector(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	const secret, id = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "evt_1715261400_42"
	body := []byte(`{"event":"payment.succeeded","id":"evt_1715261400_42","fired_at":"2025-05-09T14:30:00Z","data":{"id":42,"amount":1800}}`)
	for _, want := range []string{
		secret, string(body),
		"X-PM-Signature: " + SignPM(secret, body),
		"webhook-signature: " + SignStandard([]string{secret}, id, time.Unix(1715261400, 0), body),
	} {
		if !strings.Contains(string(readme), want) {
			t.Errorf("README lacks %q", want)
		}
	}
	wh, err := standardwebhooks.NewWebhook(secret)
	if err != nil {
		t.Fatal(err)
	}
	h := http.Header{"Webhook-Id": {id}, "Webhook-Timestamp": {"1715261400"}, "Webhook-Signature": {SignStandard([]string{secret}, id, time.Unix(1715261400, 0), body)}}
	if err := wh.VerifyIgnoringTimestamp(body, h); err != nil {
		t.Fatalf("the official library refuses the README's example: %v", err)
	}
}
