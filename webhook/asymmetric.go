package webhook

import (
	"crypto/ed25519"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Standard Webhooks' asymmetric scheme: ed25519 keys written as
// "whsk_" (secret) and "whpk_" (public) followed by standard base64, and
// signatures "v1a," + base64 of the ed25519 signature of
// msgID + "." + unix seconds + "." + body: the same content v1 signs.
const (
	SecretKeyPrefix = "whsk_"
	PublicKeyPrefix = "whpk_"
)

// NewKeyPair returns a fresh ed25519 key pair as whsk_ and whpk_ strings.
// The secret key is the 64 bytes Go and libsodium use (seed then public key).
func NewKeyPair() (secret, public string) {
	pub, priv, err := ed25519.GenerateKey(nil) // crypto/rand: never fails (Go 1.24+)
	if err != nil {
		panic(fmt.Sprintf("webhook: generate ed25519 key: %v", err))
	}
	return SecretKeyPrefix + base64.StdEncoding.EncodeToString(priv), PublicKeyPrefix + base64.StdEncoding.EncodeToString(pub)
}

// ParseSecretKey reads a whsk_ key: 64 bytes, or a 32-byte seed.
func ParseSecretKey(s string) (ed25519.PrivateKey, error) {
	rest, ok := strings.CutPrefix(s, SecretKeyPrefix)
	if !ok {
		return nil, fmt.Errorf("an ed25519 secret key starts with %s", SecretKeyPrefix)
	}
	b, err := base64.StdEncoding.DecodeString(rest)
	if err != nil {
		return nil, fmt.Errorf("ed25519 secret key: %w", err)
	}
	switch len(b) {
	case ed25519.PrivateKeySize:
		return ed25519.PrivateKey(b), nil
	case ed25519.SeedSize:
		return ed25519.NewKeyFromSeed(b), nil
	}
	return nil, fmt.Errorf("ed25519 secret key: %d bytes, want %d or %d", len(b), ed25519.SeedSize, ed25519.PrivateKeySize)
}

// ParsePublicKey reads a whpk_ key.
func ParsePublicKey(s string) (ed25519.PublicKey, error) {
	rest, ok := strings.CutPrefix(s, PublicKeyPrefix)
	if !ok {
		return nil, fmt.Errorf("an ed25519 public key starts with %s", PublicKeyPrefix)
	}
	b, err := base64.StdEncoding.DecodeString(rest)
	if err != nil || len(b) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("ed25519 public key: want base64 of %d bytes", ed25519.PublicKeySize)
	}
	return ed25519.PublicKey(b), nil
}

// PublicKeyString writes the public half of key as whpk_.
func PublicKeyString(key ed25519.PrivateKey) string {
	return PublicKeyPrefix + base64.StdEncoding.EncodeToString(key.Public().(ed25519.PublicKey))
}

// SignAsymmetric returns the webhook-signature value for ed25519 keys:
// "v1a," + base64 signature for each, space-separated, newest first (two
// or more sign during a rotation). No key: "".
func SignAsymmetric(keys []ed25519.PrivateKey, msgID string, timestamp time.Time, body []byte) string {
	if len(keys) == 0 {
		return ""
	}
	msg := make([]byte, 0, len(msgID)+len(body)+22)
	msg = append(msg, msgID...)
	msg = append(msg, '.')
	msg = strconv.AppendInt(msg, timestamp.Unix(), 10)
	msg = append(msg, '.')
	msg = append(msg, body...)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString("v1a,")
		b.WriteString(base64.StdEncoding.EncodeToString(ed25519.Sign(k, msg)))
	}
	return b.String()
}

// VerifyAsymmetric checks a webhook-signature header as a receiver
// does: some "v1a," entry must verify with one of the public keys over
// msgID.timestamp.body. Other entries (v1, unknown versions) are skipped.
// It does not judge the timestamp's age; a receiver should refuse one more
// than five minutes off.
func VerifyAsymmetric(pubs []ed25519.PublicKey, msgID, timestamp, header string, body []byte) bool {
	msg := []byte(msgID + "." + timestamp + "." + string(body))
	for _, sig := range strings.Fields(header) {
		raw, ok := strings.CutPrefix(sig, "v1a,")
		if !ok {
			continue
		}
		b, err := base64.StdEncoding.DecodeString(raw)
		if err != nil {
			continue
		}
		for _, p := range pubs {
			if ed25519.Verify(p, msg, b) {
				return true
			}
		}
	}
	return false
}
