package delivery_test

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"math"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"porter"
	"porter/delivery"
	"porter/storetest"
)

// The official Standard Webhooks libraries have no asymmetric verifier
// (Go v0.0.1, the npm package 1.1.1): each delivery of an ed25519 webhook
// is verified exactly as the spec describes, with crypto/ed25519 here and
// with the README's Node (node:crypto) and Python (cryptography) snippets,
// run as they are printed there.

// README:begin verifyEd25519
func verifyEd25519(publicKey string, h http.Header, body []byte) bool {
	pub, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(publicKey, "whpk_"))
	if err != nil || len(pub) != ed25519.PublicKeySize {
		return false
	}
	ts, err := strconv.ParseInt(h.Get("webhook-timestamp"), 10, 64)
	if err != nil || math.Abs(float64(time.Now().Unix()-ts)) > 300 {
		return false // more than 5 minutes off: a replay
	}
	signed := []byte(h.Get("webhook-id") + "." + h.Get("webhook-timestamp") + "." + string(body))
	for _, entry := range strings.Fields(h.Get("webhook-signature")) {
		if sig, ok := strings.CutPrefix(entry, "v1a,"); ok {
			if b, err := base64.StdEncoding.DecodeString(sig); err == nil && ed25519.Verify(pub, signed, b) {
				return true
			}
		}
	}
	return false
}

// README:end

// verifyCase is one request checked against one public key.
type verifyCase struct {
	key string
	r   *request
}

// snippetVerifies runs the README's snippet in lang (node or python3) on
// every case in one process; ok is false when that runtime is missing.
func snippetVerifies(t *testing.T, lang string, cases []verifyCase) (verified []bool, ok bool) {
	t.Helper()
	var in []map[string]any
	for _, c := range cases {
		in = append(in, map[string]any{"key": c.key, "body": base64.StdEncoding.EncodeToString(c.r.Body), "headers": map[string]string{
			"webhook-id": c.r.Header.Get("webhook-id"), "webhook-timestamp": c.r.Header.Get("webhook-timestamp"),
			"webhook-signature": c.r.Header.Get("webhook-signature")}})
	}
	if _, err := exec.LookPath(lang); err != nil {
		return nil, false
	}
	var cmd *exec.Cmd
	switch lang {
	case "node":
		src, err := os.ReadFile("testdata/verify_ed25519.js")
		if err != nil {
			t.Fatal(err)
		}
		cmd = exec.Command("node", "-e", string(src)+`
const cases = JSON.parse(require('fs').readFileSync(0, 'utf8'));
process.stdout.write(JSON.stringify(cases.map((i) => verify(i.key, i.headers, Buffer.from(i.body, 'base64')))));`)
	case "python3":
		src, err := os.ReadFile("testdata/verify_ed25519.py")
		if err != nil {
			t.Fatal(err)
		}
		cmd = exec.Command("python3", "-c", string(src)+`
import json, sys
cases = json.load(sys.stdin)
sys.stdout.write(json.dumps([verify(i["key"], i["headers"], base64.b64decode(i["body"])) for i in cases]))`)
	}
	b, _ := json.Marshal(in)
	cmd.Stdin = strings.NewReader(string(b))
	out, err := cmd.CombinedOutput()
	if lang == "python3" && strings.Contains(string(out), "No module named 'cryptography'") {
		return nil, false
	}
	if err != nil {
		t.Fatalf("%s: %v: %s", lang, err, out)
	}
	if err := json.Unmarshal(out, &verified); err != nil || len(verified) != len(cases) {
		t.Fatalf("%s answered %s", lang, out)
	}
	return verified, true
}

// checkVerifies runs every case through the Go, Node and Python
// verifiers and fails unless each gives want.
func checkVerifies(t *testing.T, cases []verifyCase, want []bool) {
	t.Helper()
	for i, c := range cases {
		if got := verifyEd25519(c.key, c.r.Header, c.r.Body); got != want[i] {
			t.Errorf("case %d: crypto/ed25519 says %v, want %v (%v)", i, got, want[i], c.r.Header)
		}
	}
	for _, lang := range []string{"node", "python3"} {
		got, ran := snippetVerifies(t, lang, cases)
		if !ran {
			t.Logf("%s (or its ed25519 support) is not installed: its README snippet is not run", lang)
			continue
		}
		for i := range cases {
			if got[i] != want[i] {
				t.Errorf("case %d: the README's %s snippet says %v, want %v", i, lang, got[i], want[i])
			}
		}
	}
}

func TestDeliverEd25519(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		rc := newReceiver(t, nil)
		f := start(t, s, delivery.Config{})
		w := f.webhook(porter.WebhookInput{URL: rc.URL + "/hook", Events: []string{"property.created"}, Signature: porter.WebhookSignatureEd25519})
		if w.Secret != "" || !strings.HasPrefix(w.PublicKey, "whpk_") || w.Signature != porter.WebhookSignatureEd25519 {
			t.Fatalf("created %+v, secret %q", w.Webhook, w.Secret)
		}
		first := w.PublicKey
		f.property("A")
		r := rc.next(t)
		if sigs := strings.Fields(r.Header.Get("webhook-signature")); len(sigs) != 1 || !strings.HasPrefix(sigs[0], "v1a,") {
			t.Fatalf("webhook-signature %v", sigs)
		}
		// No HMAC: an ed25519 webhook has no shared secret to key one with.
		if r.Header.Get("X-PM-Signature") != "" {
			t.Fatalf("X-PM-Signature %q on an ed25519 webhook", r.Header.Get("X-PM-Signature"))
		}
		other := f.webhook(porter.WebhookInput{URL: rc.URL + "/other", Events: []string{"tenant.created"}, Signature: porter.WebhookSignatureEd25519})
		before := r

		// Rotation: a new key pair; the old key signs beside it for 24 hours.
		rot, err := f.svc.RotateWebhookSecret(f.ctx, f.org, w.ID, porter.RotateSecretInput{})
		if err != nil {
			t.Fatal(err)
		}
		if rot.Secret != "" || rot.PublicKey == first || !strings.HasPrefix(rot.PublicKey, "whpk_") {
			t.Fatalf("rotated %+v secret %q", rot.Webhook, rot.Secret)
		}
		got, err := f.svc.Webhook(f.ctx, f.org, w.ID)
		if err != nil || got.PublicKey != rot.PublicKey {
			t.Fatalf("GET shows %q, want %q (%v)", got.PublicKey, rot.PublicKey, err)
		}
		f.property("B")
		r = rc.next(t)
		if sigs := strings.Fields(r.Header.Get("webhook-signature")); len(sigs) != 2 {
			t.Fatalf("during the overlap want two signatures, got %v", sigs)
		}
		// Each key verifies on its own during the overlap; another key, or
		// another body, does not.
		checkVerifies(t, []verifyCase{{first, before}, {first, r}, {rot.PublicKey, r}, {rot.PublicKey, before},
			{other.PublicKey, r}, {first, &request{Header: before.Header, Body: append([]byte(" "), before.Body...)}}},
			[]bool{true, true, true, false, false, false})

		// The JWKS lists both, the old one with when it stops signing.
		org, err := f.svc.Organization(f.ctx, f.org)
		if err != nil {
			t.Fatal(err)
		}
		set, err := f.svc.WebhookJWKS(f.ctx, org.PublicID)
		if err != nil {
			t.Fatal(err)
		}
		var mine []porter.JWK
		for _, k := range set.Keys {
			if k.WebhookID == w.ID {
				mine = append(mine, k)
			}
		}
		if len(mine) != 2 || mine[0].PublicKey != rot.PublicKey || mine[0].ExpiresAt != nil || mine[1].PublicKey != first || mine[1].ExpiresAt == nil ||
			time.Until(*mine[1].ExpiresAt) < 23*time.Hour || mine[0].Kid == mine[1].Kid {
			t.Fatalf("JWKS %+v", mine)
		}
		for _, k := range mine {
			x, _ := base64.RawURLEncoding.DecodeString(k.X)
			if "whpk_"+base64.StdEncoding.EncodeToString(x) != k.PublicKey || k.Kty != "OKP" || k.Crv != "Ed25519" || k.Alg != "EdDSA" {
				t.Fatalf("JWK %+v", k)
			}
		}
	})
}

// The README prints the very verifiers these tests run.
func TestReadmeShowsTheTestedVerifiers(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	self, err := os.ReadFile("ed25519_test.go")
	if err != nil {
		t.Fatal(err)
	}
	_, goFn, _ := strings.Cut(string(self), "// README:begin verifyEd25519\n")
	goFn, _, _ = strings.Cut(goFn, "\n// README:end")
	snippets := map[string]string{"Go": strings.TrimSpace(goFn) + "\n"}
	for lang, file := range map[string]string{"Node": "testdata/verify_ed25519.js", "Python": "testdata/verify_ed25519.py"} {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		snippets[lang] = string(b)
	}
	for lang, code := range snippets {
		if !strings.Contains(string(readme), code) {
			t.Errorf("README.md does not show the %s verifier the tests run:\n%s", lang, code)
		}
	}
}
