package porter

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Service holds Porter's domain logic. It validates requests, applies
// state machines and records events, all through a Store, so that both
// engines share one copy of the rules.
type Service struct {
	Store   Store
	BaseURL string // for links such as accept_url
	Now     func() time.Time
	Logger  *slog.Logger

	// Secrets seals webhook signing secrets at rest.
	Secrets *SecretBox
	// CheckWebhookURL refuses webhook targets Porter must not call (the
	// SSRF guard); nil checks only the scheme and host.
	CheckWebhookURL func(ctx context.Context, url string) error
	// NewWebhookSecret makes a whsec_ secret; nil uses 32 random bytes.
	NewWebhookSecret func() string
	// MaxWebhooksPerOrg caps an organization's webhooks (REST hooks
	// included); 0 means no cap. porter serve sets it (100 by default).
	MaxWebhooksPerOrg int
	// ICalClient fetches iCal import sources: the webhook guard's client,
	// so that a feed URL cannot reach what a webhook may not.
	ICalClient *http.Client

	// pollTokens caches integrations' OAuth tokens (integrationpoll.go).
	pollTokens     *oauthTokens
	pollTokensOnce sync.Once
	// keyGen moves when this process revokes an API key: caches of keys
	// (the HTTP layer's) start over. See APIKeyGeneration.
	keyGen atomic.Uint64
}

// NewService returns a Service with the real clock.
func NewService(store Store, baseURL string, logger *slog.Logger) *Service {
	if logger == nil {
		logger = slog.Default()
	}
	return &Service{Store: store, BaseURL: baseURL, Now: time.Now, Logger: logger}
}

// now is the time a write happens, to the second: every time Porter
// writes out reads like seed 000's "2025-05-09T14:30:00Z".
func (s *Service) now() time.Time { return s.Now().UTC().Truncate(time.Second) }

// update runs fn in a write transaction and returns what it produced.
// Every write goes through here, so here it is audited: the audit entry
// (who, what, the diff) commits with the write or not at all.
func update[T any](ctx context.Context, s *Service, orgID int64, fn func(tx Tx, now time.Time) (T, error)) (T, error) {
	var out T
	now := s.now()
	method := callerMethod(2)
	err := s.Store.Update(ctx, orgID, func(tx Tx) error {
		at := &auditTx{Tx: tx}
		var err error
		if out, err = fn(at, now); err != nil {
			return err
		}
		if err := s.writeAudit(ctx, at, now, method); err != nil {
			return err
		}
		if hook := commitHookFrom(ctx); hook != nil {
			return hook(ctx, tx, out) // e.g. an Idempotency-Key's response, in this same transaction
		}
		return nil
	})
	return out, err
}

// updateUpsert is update for a write that either creates what it returns
// or finds it already there (created false): the result the commit hook
// is given is an Upsert, so that a response stored with the write has the
// status the client is sent.
func updateUpsert[T any](ctx context.Context, s *Service, orgID int64, fn func(tx Tx, now time.Time) (T, bool, error)) (T, bool, error) {
	r, err := update(ctx, s, orgID, func(tx Tx, now time.Time) (Upsert[T], error) {
		v, created, err := fn(tx, now)
		return Upsert[T]{v, created}, err
	})
	return r.Value, r.Created, err
}

// view runs fn in a read transaction and returns what it produced.
func view[T any](ctx context.Context, s *Service, orgID int64, fn func(tx Tx) (T, error)) (T, error) {
	var out T
	err := s.Store.View(ctx, orgID, func(tx Tx) error {
		var err error
		out, err = fn(tx)
		return err
	})
	return out, err
}
