package webhook

import (
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Version goes into the User-Agent (Porter-Webhooks/<Version>); the binary
// may set it with -ldflags "-X porter/webhook.Version=1.2.3".
var Version = "dev"

// SecretPrefix marks a Standard Webhooks secret: base64 of the key follows.
const SecretPrefix = "whsec_"

// secretBytes is the length of generated keys: 256 bits, within the 24 to
// 64 bytes the Standard Webhooks spec asks for.
const secretBytes = 32

// NewSecret returns a fresh signing secret: "whsec_" + base64 of 32 random bytes.
func NewSecret() string {
	return SecretPrefix + base64.StdEncoding.EncodeToString(randomBytes(secretBytes))
}

// NewAttemptID returns a unique id for one delivery attempt ("att_" + 24 hex
// digits), the X-PM-Delivery header. The engine stores it with the attempt so
// a receiver's log line can be matched with Porter's delivery log.
func NewAttemptID() string {
	return "att_" + hex.EncodeToString(randomBytes(12))
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	// crypto/rand.Read never returns an error (Go 1.24+); it aborts the
	// program if the system's source fails.
	rand.Read(b)
	return b
}

// CheckSecret validates a secret given by a user: non-empty, at most 256
// characters, printable ASCII, and when it starts with "whsec_", the rest must
// be standard base64 of 24 to 64 bytes, as Standard Webhooks verifiers decode it.
func CheckSecret(secret string) error {
	if secret == "" {
		return fmt.Errorf("secret: must not be empty")
	}
	if len(secret) > 256 {
		return fmt.Errorf("secret: must be at most 256 characters")
	}
	for _, c := range []byte(secret) {
		if c < 0x21 || c > 0x7e {
			return fmt.Errorf("secret: must be printable ASCII without spaces")
		}
	}
	if rest, ok := strings.CutPrefix(secret, SecretPrefix); ok {
		key, err := base64.StdEncoding.DecodeString(rest)
		if err != nil {
			return fmt.Errorf("secret: a whsec_ secret must be followed by standard base64")
		}
		if len(key) < 24 || len(key) > 64 {
			return fmt.Errorf("secret: a whsec_ key must be 24 to 64 bytes, got %d", len(key))
		}
	}
	return nil
}

// SignPM returns the X-PM-Signature value: "sha256=" + hex HMAC-SHA256 of the
// raw body, keyed by the secret string's bytes as given (even a whsec_ one),
// which is exactly what seed 000's PHP hash_hmac('sha256', $raw_body, $secret),
// Node createHmac('sha256', secret) and Python hmac.new(SECRET.encode(), ...)
// compute.
func SignPM(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// Signature headers a webhook may carry its body's HMAC in, besides
// Standard Webhooks' webhook-signature: seed 000's (the default), and the
// ones receivers written for seeds 001, 002 and 003 check.
const (
	HeaderPM        = "X-PM-Signature"      // "sha256=" + hex (seed 000)
	HeaderArkanPM   = "X-ArkanPM-Signature" // hex (seed 002)
	HeaderSignature = "X-Signature"         // hex (seed 003)
	HeaderPropexo   = "propexo-signature"   // hex (seed 001)
)

// SignHeader returns the value of signature header name for body: the
// hex HMAC-SHA256 of the raw body keyed with the secret's bytes, with
// X-PM-Signature's "sha256=" prefix (SignPM), bare for the others.
func SignHeader(name, secret string, body []byte) string {
	if name == "" || strings.EqualFold(name, HeaderPM) {
		return SignPM(secret, body)
	}
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// StandardKey returns the HMAC key of a secret under Standard Webhooks: the
// base64-decoding of what follows "whsec_", otherwise the secret's bytes.
// A whsec_ secret that is not valid base64 (CheckSecret refuses those) falls
// back to its bytes, so signing never fails.
func StandardKey(secret string) []byte {
	if rest, ok := strings.CutPrefix(secret, SecretPrefix); ok {
		if key, err := base64.StdEncoding.DecodeString(rest); err == nil {
			return key
		}
	}
	return []byte(secret)
}

// SignStandard returns the webhook-signature value: for each non-empty secret,
// "v1," + base64 HMAC-SHA256 of msgID + "." + unix seconds + "." + body,
// space-separated (two secrets sign during a rotation). No secret: "".
func SignStandard(secrets []string, msgID string, timestamp time.Time, body []byte) string {
	prefix := msgID + "." + strconv.FormatInt(timestamp.Unix(), 10) + "."
	var sigs []string
	for _, s := range secrets {
		if s == "" {
			continue
		}
		m := hmac.New(sha256.New, StandardKey(s))
		m.Write([]byte(prefix))
		m.Write(body)
		sigs = append(sigs, "v1,"+base64.StdEncoding.EncodeToString(m.Sum(nil)))
	}
	return strings.Join(sigs, " ")
}

// Attempt is one delivery attempt of one event to one subscription; Header
// builds its request headers.
type Attempt struct {
	Event     string    // catalog event name, X-PM-Event
	EventID   string    // the envelope's id, the same for every attempt and subscriber: webhook-id
	AttemptID string    // unique per attempt (NewAttemptID): X-PM-Delivery
	Timestamp time.Time // when this attempt is sent: webhook-timestamp
	// Secrets sign the request, NEWEST FIRST; empty means unsigned. During a
	// rotation both sign webhook-signature, while X-PM-Signature (one value,
	// compared for equality by seed 000's receivers) is signed by the newest:
	// a rotation usually means the old secret must stop being trusted, and
	// receivers wanting zero-downtime rotation verify webhook-signature.
	Secrets []string
	// SignatureHeader names the header carrying the HMAC of the body
	// (SignHeader); "" is X-PM-Signature.
	SignatureHeader string
	// Keys, when set, sign instead of Secrets: Standard Webhooks'
	// asymmetric v1a, NEWEST FIRST, in webhook-signature only. There is no
	// HMAC header then: it would need a shared secret, which is what an
	// ed25519 webhook does without.
	Keys []ed25519.PrivateKey
}

// Header returns the full header set for the attempt with this exact body:
// Content-Type, User-Agent, X-PM-Event, X-PM-Delivery, the HMAC signature
// header (when signed with secrets), webhook-id, webhook-timestamp and
// webhook-signature (when signed).
// Names are stored canonically (Webhook-Id) so Header.Get works; HTTP header
// names are case-insensitive, so Standard Webhooks verifiers find them.
func (a Attempt) Header(body []byte) http.Header {
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set("User-Agent", "Porter-Webhooks/"+Version)
	h.Set("X-PM-Event", a.Event)
	h.Set("X-PM-Delivery", a.AttemptID)
	h.Set("webhook-id", a.EventID)
	h.Set("webhook-timestamp", strconv.FormatInt(a.Timestamp.Unix(), 10))
	if len(a.Keys) > 0 {
		h.Set("webhook-signature", SignAsymmetric(a.Keys, a.EventID, a.Timestamp, body))
		return h
	}
	var secrets []string
	for _, s := range a.Secrets {
		if s != "" {
			secrets = append(secrets, s)
		}
	}
	if len(secrets) > 0 {
		name := a.SignatureHeader
		if name == "" {
			name = HeaderPM
		}
		h.Set(name, SignHeader(name, secrets[0], body))
		h.Set("webhook-signature", SignStandard(secrets, a.EventID, a.Timestamp, body))
	}
	return h
}
