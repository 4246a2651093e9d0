package porter

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strings"
	"time"
)

// How a webhook signs its deliveries.
const (
	WebhookSignatureHMAC    = "hmac-sha256" // a shared secret: the HMAC header and webhook-signature v1
	WebhookSignatureEd25519 = "ed25519"     // Standard Webhooks' asymmetric v1a, with a key pair Porter makes
)

// WebhookSignatures are the values of a webhook's signature.
var WebhookSignatures = []string{WebhookSignatureHMAC, WebhookSignatureEd25519}

// Payload formats: the body's shape (deliveryformat.go).
const (
	PayloadPorter    = "porter"    // seed 000's envelope: event, id, fired_at, data
	PayloadStandard  = "standard"  // Standard Webhooks: type, timestamp, data
	PayloadArkanPM   = "arkanpm"   // seed 002: event, event_id, timestamp, tenant_id, data
	PayloadConcierge = "concierge" // seed 003: id, event, created_at, agency_id, data
)

// PayloadFormats are the values of a webhook's payload_format.
var PayloadFormats = []string{PayloadPorter, PayloadStandard, PayloadArkanPM, PayloadConcierge}

// Signature headers: the header carrying the hex HMAC-SHA256 of the raw
// body (webhook.SignHeader). Only X-PM-Signature has a "sha256=" prefix.
const (
	SignatureHeaderPM        = "X-PM-Signature"      // seed 000
	SignatureHeaderArkanPM   = "X-ArkanPM-Signature" // seed 002
	SignatureHeaderSignature = "X-Signature"         // seed 003
	SignatureHeaderPropexo   = "propexo-signature"   // seed 001
)

// SignatureHeaders are the values of a webhook's signature_header.
var SignatureHeaders = []string{SignatureHeaderPM, SignatureHeaderArkanPM, SignatureHeaderSignature, SignatureHeaderPropexo}

const (
	webhookSecretKeyPrefix = "whsk_"
	webhookPublicKeyPrefix = "whpk_"
)

// signingDefaults fills what a create left out.
func (w *Webhook) signingDefaults() {
	if w.Signature == "" {
		w.Signature = WebhookSignatureHMAC
	}
	if w.PayloadFormat == "" {
		w.PayloadFormat = PayloadPorter
	}
	if w.SignatureHeader == "" {
		w.SignatureHeader = SignatureHeaderPM
	}
}

func validateWebhookSigning(v *Validation, w *Webhook) {
	oneOf := func(field, value string, allowed []string) bool {
		for _, a := range allowed {
			if value == a {
				return true
			}
		}
		v.Add(field, "must be one of %s, not %q", strings.Join(allowed, ", "), value)
		return false
	}
	oneOf("signature", w.Signature, WebhookSignatures)
	oneOf("payload_format", w.PayloadFormat, PayloadFormats)
	if oneOf("signature_header", w.SignatureHeader, SignatureHeaders) &&
		w.Signature == WebhookSignatureEd25519 && w.SignatureHeader != SignatureHeaderPM {
		// The header carries an HMAC, which needs the shared secret an
		// ed25519 webhook does without: webhook-signature carries its v1a.
		v.Add("signature_header", "must stay %s for an ed25519 webhook: %s carries an HMAC of a shared secret, which it has none of; its signature is in webhook-signature",
			SignatureHeaderPM, w.SignatureHeader)
	}
}

// newWebhookKeyPair makes an ed25519 key pair as whsk_ and whpk_ strings;
// the secret key is the 64 bytes of seed and public key.
func (s *Service) newWebhookKeyPair() (secret, public string) {
	pub, priv, err := ed25519.GenerateKey(nil) // crypto/rand never fails (Go 1.24+)
	if err != nil {
		panic(fmt.Sprintf("generate ed25519 key: %v", err))
	}
	return webhookSecretKeyPrefix + base64.StdEncoding.EncodeToString(priv), webhookPublicKeyPrefix + base64.StdEncoding.EncodeToString(pub)
}

// parseWebhookKey reads a stored whsk_ key.
func parseWebhookKey(secret string) (ed25519.PrivateKey, error) {
	b, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, webhookSecretKeyPrefix))
	switch {
	case !strings.HasPrefix(secret, webhookSecretKeyPrefix) || err != nil:
		return nil, fmt.Errorf("not a whsk_ key")
	case len(b) == ed25519.PrivateKeySize:
		return ed25519.PrivateKey(b), nil
	case len(b) == ed25519.SeedSize:
		return ed25519.NewKeyFromSeed(b), nil
	}
	return nil, fmt.Errorf("a whsk_ key of %d bytes", len(b))
}

// retiredKey is a rotated-out ed25519 key, still signing until ExpiresAt.
type retiredKey struct {
	Key       ed25519.PrivateKey
	ExpiresAt time.Time
}

// Keys are the ed25519 keys that sign an attempt at now, newest first;
// empty for an hmac-sha256 webhook.
func (s *Subscription) Keys(now time.Time) []ed25519.PrivateKey {
	if s.key == nil {
		return nil
	}
	out := []ed25519.PrivateKey{s.key}
	for _, r := range s.retiredKeys {
		if now.Before(r.ExpiresAt) {
			out = append(out, r.Key)
		}
	}
	return out
}

// openKeys parses an ed25519 subscription's keys once, when the cache
// loads, so that no attempt decodes or unseals anything.
func (s *Subscription) openKeys() error {
	if s.Signature != WebhookSignatureEd25519 || s.secret == "" {
		return nil
	}
	k, err := parseWebhookKey(s.secret)
	if err != nil {
		return err
	}
	s.key, s.secret = k, ""
	for _, r := range s.retired {
		rk, err := parseWebhookKey(r.Secret)
		if err != nil {
			return err
		}
		s.retiredKeys = append(s.retiredKeys, retiredKey{rk, r.ExpiresAt})
	}
	s.retired = nil
	return nil
}

// WebhookKeys are one ed25519 webhook's sealed keys, for its JWKS.
type WebhookKeys struct {
	WebhookID int64
	Sealed    WebhookSealedSecrets
}

// JWK is one public key in an organization's JWKS (RFC 7517, with RFC
// 8037's OKP/Ed25519). WebhookID and ExpiresAt are Porter's own members.
type JWK struct {
	Kty       string     `json:"kty"` // OKP
	Crv       string     `json:"crv"` // Ed25519
	X         string     `json:"x"`   // the public key, base64url without padding
	Kid       string     `json:"kid"`
	Use       string     `json:"use"` // sig
	Alg       string     `json:"alg"` // EdDSA
	WebhookID int64      `json:"webhook_id"`
	PublicKey string     `json:"public_key"` // the same key as whpk_, as the webhook shows it
	ExpiresAt *time.Time `json:"expires_at"` // a rotated-out key: when it stops signing; null for the current one
}

// JWKS is a JSON Web Key Set.
type JWKS struct {
	Keys []JWK `json:"keys"`
}

// WebhookKeyID is a key's kid: the webhook's id and the key's RFC 7638
// thumbprint, so it names one key of one webhook for good.
func WebhookKeyID(webhookID int64, pub ed25519.PublicKey) string {
	x := base64.RawURLEncoding.EncodeToString(pub)
	sum := sha256.Sum256([]byte(`{"crv":"Ed25519","kty":"OKP","x":"` + x + `"}`))
	return fmt.Sprintf("wh_%d_%s", webhookID, base64.RawURLEncoding.EncodeToString(sum[:]))
}

func jwkOf(webhookID int64, key ed25519.PrivateKey, expires *time.Time) JWK {
	pub := key.Public().(ed25519.PublicKey)
	return JWK{Kty: "OKP", Crv: "Ed25519", X: base64.RawURLEncoding.EncodeToString(pub), Kid: WebhookKeyID(webhookID, pub),
		Use: "sig", Alg: "EdDSA", WebhookID: webhookID, PublicKey: webhookPublicKeyPrefix + base64.StdEncoding.EncodeToString(pub), ExpiresAt: expires}
}

// WebhookJWKS returns the public keys that sign the deliveries of the
// organization whose public id this is: each ed25519 webhook's current
// key, and those rotated out that still sign. An unknown id is not found,
// like an organization with no ed25519 webhook is an empty set: the URL
// is public, so it tells nothing more than that.
func (s *Service) WebhookJWKS(ctx context.Context, publicID string) (*JWKS, error) {
	orgID, err := s.Store.OrganizationByPublicID(ctx, publicID)
	if err != nil {
		return nil, err
	}
	rows, err := view(ctx, s, orgID, func(tx Tx) ([]WebhookKeys, error) { return tx.WebhookSigningKeys(ctx) })
	if err != nil {
		return nil, err
	}
	set := &JWKS{Keys: []JWK{}}
	now := s.Now()
	for _, r := range rows {
		if len(r.Sealed.Current) == 0 {
			continue
		}
		plain, err := s.Secrets.Open(r.Sealed.Current)
		if err != nil {
			return nil, fmt.Errorf("webhook %d key: %w", r.WebhookID, err)
		}
		key, err := parseWebhookKey(plain)
		if err != nil {
			return nil, fmt.Errorf("webhook %d key: %w", r.WebhookID, err)
		}
		set.Keys = append(set.Keys, jwkOf(r.WebhookID, key, nil))
		retired, err := s.openRetired(r.Sealed)
		if err != nil {
			return nil, fmt.Errorf("webhook %d retired keys: %w", r.WebhookID, err)
		}
		for _, old := range liveRetired(retired, now) {
			k, err := parseWebhookKey(old.Secret)
			if err != nil {
				return nil, fmt.Errorf("webhook %d retired key: %w", r.WebhookID, err)
			}
			exp := old.ExpiresAt.UTC().Truncate(time.Second)
			set.Keys = append(set.Keys, jwkOf(r.WebhookID, k, &exp))
		}
	}
	return set, nil
}
