package porter

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"hash/crc32"
	"math/big"
	"strings"
	"time"
)

// APIKey authenticates API calls for one organization. Only the SHA-256 of
// the full key is stored; the key itself is shown once, at creation.
type APIKey struct {
	ID         int64      `json:"id"`
	OrgID      int64      `json:"organization_id"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"` // the first characters, to tell keys apart
	Hash       []byte     `json:"-"`
	Scopes     []string   `json:"scopes"` // empty: full access
	RateLimit  int        `json:"rate_limit,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	ExpiresAt  *time.Time `json:"expires_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
}

// APIKeyTx manages an organization's keys.
type APIKeyTx interface {
	InsertAPIKey(ctx context.Context, k *APIKey) error
	APIKeys(ctx context.Context) ([]*APIKey, error)
	RevokeAPIKey(ctx context.Context, id int64, at time.Time) error
}

const (
	keyPrefix    = "pm_"
	keyBodyLen   = 43 // base62 digits of 32 random bytes (256 bits)
	keyCheckLen  = 6  // base62 CRC-32 of the body
	keyShownLen  = 8  // body characters kept as the visible prefix
	base62Digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
)

// NewAPIKeyText returns a fresh key: "pm_", 43 base62 digits holding 256
// random bits, then a 6-digit checksum so that typos are caught before any
// database lookup.
func NewAPIKeyText() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	body := base62(new(big.Int).SetBytes(b), keyBodyLen)
	return keyPrefix + body + keyChecksum(body)
}

// APIKeyWellFormed checks a key's shape and checksum.
func APIKeyWellFormed(key string) bool {
	body, ok := strings.CutPrefix(key, keyPrefix)
	if !ok || len(body) != keyBodyLen+keyCheckLen {
		return false
	}
	for i := 0; i < len(body); i++ {
		if strings.IndexByte(base62Digits, body[i]) < 0 {
			return false
		}
	}
	return keyChecksum(body[:keyBodyLen]) == body[keyBodyLen:]
}

// HashAPIKey is what is stored and looked up.
func HashAPIKey(key string) []byte {
	h := sha256.Sum256([]byte(key))
	return h[:]
}

// APIKeyPrefix is the part of a key shown in listings.
func APIKeyPrefix(key string) string {
	if len(key) < len(keyPrefix)+keyShownLen {
		return key
	}
	return key[:len(keyPrefix)+keyShownLen]
}

func keyChecksum(body string) string {
	return base62(big.NewInt(int64(crc32.ChecksumIEEE([]byte(body)))), keyCheckLen)
}

func base62(n *big.Int, width int) string {
	out := make([]byte, width)
	base := big.NewInt(62)
	mod := new(big.Int)
	for i := width - 1; i >= 0; i-- {
		n.DivMod(n, base, mod)
		out[i] = base62Digits[mod.Int64()]
	}
	return string(out)
}

// Expired reports whether the key can no longer be used at now.
func (k *APIKey) Expired(now time.Time) bool {
	return k.ExpiresAt != nil && !now.Before(*k.ExpiresAt)
}

// Allows reports whether the key may use scope.
func (k *APIKey) Allows(scope string) bool { return ScopesAllow(k.Scopes, scope) }

// ParseRateLimit reads "N/m" (requests per minute), as PORTER_RATE_LIMIT
// and --rate-limit take it.
func ParseRateLimit(s string) (int, error) {
	var n int
	var unit string
	if _, err := fmt.Sscanf(strings.TrimSpace(s), "%d/%s", &n, &unit); err != nil || n <= 0 || (unit != "m" && unit != "min") {
		return 0, fmt.Errorf("rate limit %q: want N/m, such as 60/m", s)
	}
	return n, nil
}

// APIKeyInput creates a key.
type APIKeyInput struct {
	Name      string
	Scopes    []string
	ExpiresAt *time.Time
	RateLimit int // per minute; 0 for the server's default
}

// CreateAPIKey makes a key and returns its full text, which is not stored
// and cannot be shown again.
func (s *Service) CreateAPIKey(ctx context.Context, orgID int64, in APIKeyInput) (string, *APIKey, error) {
	var v Validation
	v.Required("name", in.Name)
	for _, sc := range in.Scopes {
		if sc != ScopeAll && !ValidScope(sc) {
			v.Add("scope", "%q is not a known scope", sc)
		}
	}
	if in.RateLimit < 0 {
		v.Add("rate_limit", "must be positive")
	}
	if err := v.Err(); err != nil {
		return "", nil, err
	}
	text := NewAPIKeyText()
	k, err := update(ctx, s, orgID, func(tx Tx, now time.Time) (*APIKey, error) {
		if _, err := tx.Organization(ctx); err != nil {
			return nil, err
		}
		k := &APIKey{Name: in.Name, Prefix: APIKeyPrefix(text), Hash: HashAPIKey(text), Scopes: in.Scopes,
			RateLimit: in.RateLimit, CreatedAt: now, ExpiresAt: in.ExpiresAt}
		if err := tx.InsertAPIKey(ctx, k); err != nil {
			return nil, err
		}
		audited(tx, "api_key", k.ID, nil, k)
		return k, nil
	})
	if err != nil {
		return "", nil, err
	}
	return text, k, nil
}

// APIKeys lists an organization's keys.
func (s *Service) APIKeys(ctx context.Context, orgID int64) ([]*APIKey, error) {
	return view(ctx, s, orgID, func(tx Tx) ([]*APIKey, error) {
		if _, err := tx.Organization(ctx); err != nil {
			return nil, err
		}
		return tx.APIKeys(ctx)
	})
}

// RevokeAPIKey stops a key from working, at once.
func (s *Service) RevokeAPIKey(ctx context.Context, orgID, id int64) error {
	_, err := update(ctx, s, orgID, func(tx Tx, now time.Time) (struct{}, error) {
		if err := tx.RevokeAPIKey(ctx, id, now); err != nil {
			return struct{}{}, err
		}
		revoked := now
		audited(tx, "api_key", id, map[string]any{"revoked_at": nil}, map[string]any{"revoked_at": NewTime(revoked)})
		return struct{}{}, nil
	})
	s.keyGen.Add(1) // after the commit: a cache refilled before it would keep the key
	return err
}

// APIKeyGeneration changes whenever this process revokes an API key, so
// that a cache of keys read before knows to read them again.
func (s *Service) APIKeyGeneration() uint64 { return s.keyGen.Load() }

// CreateOrganization adds an organization with the default lease alerts.
func (s *Service) CreateOrganization(ctx context.Context, name string) (*Organization, error) {
	var v Validation
	v.Required("name", name)
	if err := v.Err(); err != nil {
		return nil, err
	}
	org := &Organization{Name: name, CreatedAt: s.now(), LeaseAlertDays: DefaultLeaseAlertDays, ChargeCategories: DefaultChargeCategories(),
		InvoiceNumberFormat: DefaultInvoiceNumberFormat, ReviewAlertThreshold: DefaultReviewAlertThreshold}
	if err := s.Store.CreateOrganization(ctx, org); err != nil {
		return nil, err
	}
	return org, nil
}
