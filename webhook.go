package porter

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"
)

// Webhook is a subscription: Porter POSTs the events it names to URL. Its
// signing secrets are not part of it: they are sealed in the store and
// reach a client only once, in WebhookWithSecret.
type Webhook struct {
	ID          int64    `json:"id"`
	URL         string   `json:"url"`
	Events      []string `json:"events"` // as given: names, aliases, "family.*", "*"
	Description string   `json:"description"`
	// RetrySchedule is the delay in seconds before each retry: the first
	// attempt is at once, so n entries make n+1 attempts.
	RetrySchedule  []int             `json:"retry_schedule"`
	TimeoutSeconds int               `json:"timeout_seconds"`
	Headers        map[string]string `json:"headers"` // extra headers sent with every delivery
	Ordered        bool              `json:"ordered"`
	Enabled        bool              `json:"enabled"`
	DisabledReason string            `json:"disabled_reason"`
	Source         string            `json:"source"` // api | rest_hook | integration (owned by an integration: read-only here)
	// Signature is how deliveries are signed: hmac-sha256 with a shared
	// secret, or ed25519 (Standard Webhooks' asymmetric v1a), verified
	// with PublicKey.
	Signature string `json:"signature"`
	PublicKey string `json:"public_key"` // ed25519: the current whpk_ key; "" for hmac-sha256
	// PayloadFormat shapes the body (deliveryformat.go); SignatureHeader
	// names the header carrying the body's HMAC.
	PayloadFormat   string `json:"payload_format"`
	SignatureHeader string `json:"signature_header"`
	// SecretRotatedAt is when the secret last changed; every secret it
	// replaced still signs for WebhookSecretOverlap after its rotation.
	SecretRotatedAt *time.Time `json:"secret_rotated_at"`
	CreatedAt       time.Time  `json:"created_at"`
	UpdatedAt       time.Time  `json:"updated_at"`
	// Health is how its deliveries are going; reads (GET) carry it.
	Health *WebhookHealthView `json:"health,omitempty"`
}

// WebhookHealthView is a webhook's health as the API shows it.
type WebhookHealthView struct {
	ConsecutiveFailures int         `json:"consecutive_failures"` // deliveries failed (retries spent) since the last success
	FailingSince        *time.Time  `json:"failing_since"`        // first failed attempt since the last success
	Circuit             CircuitView `json:"circuit"`
}

// CircuitView is a webhook's circuit breaker as the API shows it.
type CircuitView struct {
	State               string     `json:"state"`                // closed | open | half_open
	ConsecutiveFailures int        `json:"consecutive_failures"` // attempts in a row that got no answer
	OpenedAt            *time.Time `json:"opened_at"`
	NextProbeAt         *time.Time `json:"next_probe_at"` // open: when one delivery probes the endpoint
}

func healthView(h *WebhookHealth) *WebhookHealthView {
	v := &WebhookHealthView{Circuit: CircuitView{State: CircuitClosed}}
	if h == nil {
		return v
	}
	sec := func(t *time.Time) *time.Time {
		if t == nil {
			return nil
		}
		u := t.UTC().Truncate(time.Second)
		return &u
	}
	v.ConsecutiveFailures, v.FailingSince = h.ConsecutiveFailures, sec(h.FailingSince)
	c := h.Circuit
	if !c.Closed() {
		v.Circuit.State, v.Circuit.OpenedAt, v.Circuit.NextProbeAt = c.State, sec(c.OpenedAt), sec(c.ProbeAt)
	}
	v.Circuit.ConsecutiveFailures = c.Failures
	return v
}

// withHealth sets the health of each webhook.
func withHealth(ctx context.Context, tx Tx, ws ...*Webhook) error {
	if len(ws) == 0 {
		return nil
	}
	ids := make([]int64, len(ws))
	for i, w := range ws {
		ids[i] = w.ID
	}
	hs, err := tx.WebhookHealthOf(ctx, ids)
	if err != nil {
		return err
	}
	for _, w := range ws {
		w.Health = healthView(hs[w.ID])
	}
	return nil
}

// WebhookWithSecret is a webhook as created or rotated: the one response
// that carries its secret.
type WebhookWithSecret struct {
	*Webhook
	Secret string `json:"secret,omitempty"`
}

const (
	WebhookSourceAPI      = "api"
	WebhookSourceRESTHook = "rest_hook"
)

// Bounds of a subscription.
const (
	DefaultWebhookTimeout  = 10 // seconds
	MaxWebhookTimeout      = 30
	MaxRetryEntries        = 10
	MaxRetryTotal          = 7 * 24 * 60 * 60 // seconds
	MaxWebhookHeaders      = 20
	MaxWebhookEvents       = 100
	WebhookSecretOverlap   = 24 * time.Hour // a rotated-out secret keeps signing this long
	maxWebhookURL          = 2048
	maxWebhookDescription  = 1000
	maxWebhookHeaderValue  = 1024
	minWebhookSecret       = 8
	maxWebhookSecret       = 256
	webhookSecretPrefix    = "whsec_"
	webhookSecretRandBytes = 32
)

// DefaultMaxWebhooksPerOrg is porter serve's cap on an organization's webhooks.
const DefaultMaxWebhooksPerOrg = 100

// DefaultRetrySchedule is seed 000's table: at once, then 5 minutes, 30
// minutes, 2 hours and 6 hours later: five attempts.
func DefaultRetrySchedule() []int { return []int{300, 1800, 7200, 21600} }

// SealedSecret is a secret sealed by a SecretBox. The store takes and
// returns only these, so no code path writes a plaintext secret.
type SealedSecret []byte

// WebhookSealedSecrets are a webhook's stored secrets. Current is empty
// for a REST hook subscribed without one (its deliveries are unsigned).
type WebhookSealedSecrets struct {
	Current           SealedSecret
	Previous          SealedSecret
	PreviousExpiresAt *time.Time
}

// WebhookFilter narrows a webhook listing.
type WebhookFilter struct {
	ListParams
	Enabled *bool
	Source  string
}

// WebhookTx stores webhooks.
type WebhookTx interface {
	InsertWebhook(ctx context.Context, w *Webhook, secret SealedSecret) error
	Webhook(ctx context.Context, id int64) (*Webhook, error)
	// WebhookForUpdate is Webhook, locking the row until the transaction
	// ends where the engine has concurrent writers.
	WebhookForUpdate(ctx context.Context, id int64) (*Webhook, error)
	UpdateWebhook(ctx context.Context, w *Webhook) error
	DeleteWebhook(ctx context.Context, id int64) error
	Webhooks(ctx context.Context, f WebhookFilter) (List[*Webhook], error)
	WebhookSecrets(ctx context.Context, id int64) (WebhookSealedSecrets, error)
	SetWebhookSecrets(ctx context.Context, id int64, s WebhookSealedSecrets) error
	// WebhookHealthOf reads the health of this organization's webhooks
	// among ids; one with no row is healthy and absent from the map.
	WebhookHealthOf(ctx context.Context, ids []int64) (map[int64]*WebhookHealth, error)
	// WebhookSigningKeys returns the sealed keys of this organization's
	// ed25519 webhooks, by id, for its JWKS.
	WebhookSigningKeys(ctx context.Context) ([]WebhookKeys, error)
	// CloseWebhookCircuit closes webhook id's circuit, if open, and makes
	// the deliveries it held due at now.
	CloseWebhookCircuit(ctx context.Context, id int64, now time.Time) error
}

// WebhookInput creates a webhook: seed 004's registration shape.
type WebhookInput struct {
	URL            string            `json:"url"`
	Events         []string          `json:"events"`
	Secret         *string           `json:"secret"`
	Description    string            `json:"description"`
	RetrySchedule  *[]int            `json:"retry_schedule"`
	TimeoutSeconds *int              `json:"timeout_seconds"`
	Headers        map[string]string `json:"headers"`
	Ordered        bool              `json:"ordered"`
	// Signing and formats: defaults hmac-sha256, porter, X-PM-Signature.
	Signature       string `json:"signature"`
	PayloadFormat   string `json:"payload_format"`
	SignatureHeader string `json:"signature_header"`

	// Source is rest_hook for seed 000's subscribe.php, api otherwise.
	Source string `json:"-"`
	// Scopes are those of the key asking; it may subscribe only to events
	// it could read. Empty means every scope.
	Scopes []string `json:"-"`
}

// WebhookPatch edits a webhook; nil fields are left alone. The secret
// changes only through rotate_secret.
type WebhookPatch struct {
	URL            *string            `json:"url"`
	Events         *[]string          `json:"events"`
	Description    *string            `json:"description"`
	RetrySchedule  *[]int             `json:"retry_schedule"`
	TimeoutSeconds *int               `json:"timeout_seconds"`
	Headers        *map[string]string `json:"headers"`
	Ordered        *bool              `json:"ordered"`
	Enabled        *bool              `json:"enabled"`
	// Signing and formats. Signature is accepted only unchanged: it is
	// chosen at creation.
	Signature       *string `json:"signature"`
	PayloadFormat   *string `json:"payload_format"`
	SignatureHeader *string `json:"signature_header"`

	Scopes []string `json:"-"` // as in WebhookInput
}

// RotateSecretInput optionally names the new secret.
type RotateSecretInput struct {
	Secret *string `json:"secret"`
}

func (in WebhookPatch) apply(w *Webhook) {
	set(&w.URL, in.URL)
	set(&w.Events, in.Events)
	set(&w.Description, in.Description)
	set(&w.RetrySchedule, in.RetrySchedule)
	set(&w.TimeoutSeconds, in.TimeoutSeconds)
	set(&w.Headers, in.Headers)
	set(&w.Ordered, in.Ordered)
	set(&w.PayloadFormat, in.PayloadFormat)
	set(&w.SignatureHeader, in.SignatureHeader)
	if in.Enabled != nil {
		w.Enabled = *in.Enabled
		if w.Enabled {
			w.DisabledReason = "" // the reason no longer holds
		}
	}
	w.normalize()
}

// normalize makes empty collections read as [] and {}, not null.
func (w *Webhook) normalize() {
	if w.Events == nil {
		w.Events = []string{}
	}
	if w.RetrySchedule == nil {
		w.RetrySchedule = []int{}
	}
	if w.Headers == nil {
		w.Headers = map[string]string{}
	}
}

func (w *Webhook) validate() error {
	var v Validation
	validateWebhookURL(&v, w.URL)
	if len(w.Events) == 0 {
		v.Add("events", "must name at least one event; see GET /api/triggers.php")
	} else if len(w.Events) > MaxWebhookEvents {
		v.Add("events", "must have at most %d entries", MaxWebhookEvents)
	} else if bad := unknownEvents(w.Events); len(bad) > 0 {
		v.Add("events", "has unknown events: %s; see GET /api/triggers.php. Valid events: %s, \"family.*\", \"*\", \"*.DATA_NEW\" or \"*.DATA_UPDATE\"",
			strings.Join(quoteAll(bad), ", "), strings.Join(EventNames(), ", "))
	}
	if len(w.Description) > maxWebhookDescription {
		v.Add("description", "must be at most %d characters", maxWebhookDescription)
	}
	validateRetrySchedule(&v, w.RetrySchedule)
	if w.TimeoutSeconds < 1 || w.TimeoutSeconds > MaxWebhookTimeout {
		v.Add("timeout_seconds", "must be between 1 and %d", MaxWebhookTimeout)
	}
	validateWebhookHeaders(&v, w.Headers)
	v.OneOf("source", w.Source, WebhookSourceAPI, WebhookSourceRESTHook, WebhookSourceIntegration)
	validateWebhookSigning(&v, w)
	return v.Err()
}

func validateWebhookURL(v *Validation, raw string) {
	if strings.TrimSpace(raw) == "" {
		v.Add("url", "is required")
		return
	}
	if len(raw) > maxWebhookURL {
		v.Add("url", "must be at most %d characters", maxWebhookURL)
		return
	}
	u, err := url.Parse(raw)
	if err == nil && u.Scheme != "" && u.Scheme != "http" && u.Scheme != "https" {
		v.Add("url", "must use http or https, not %q", u.Scheme)
		return
	}
	if err != nil || !u.IsAbs() || u.Opaque != "" {
		v.Add("url", "must be an absolute http or https URL")
		return
	}
	if u.Hostname() == "" {
		v.Add("url", "must name a host")
	}
}

func validateRetrySchedule(v *Validation, s []int) {
	if len(s) > MaxRetryEntries {
		v.Add("retry_schedule", "must have at most %d entries (%d attempts)", MaxRetryEntries, MaxRetryEntries+1)
		return
	}
	total := 0
	for i, d := range s {
		if d < 0 || d > MaxRetryTotal {
			v.Add("retry_schedule", "entry %d (%d) must be between 0 and %d seconds (7 days)", i, d, MaxRetryTotal)
			return
		}
		total += d
	}
	if total > MaxRetryTotal {
		v.Add("retry_schedule", "must add up to at most %d seconds (7 days), not %d", MaxRetryTotal, total)
	}
}

// reservedHeaders are hop-by-hop headers and those Porter sets itself.
// X-PM-* and webhook-* are reserved as prefixes.
var reservedHeaders = map[string]bool{
	"connection": true, "keep-alive": true, "proxy-authenticate": true, "proxy-authorization": true,
	"proxy-connection": true, "te": true, "trailer": true, "transfer-encoding": true, "upgrade": true,
	"content-type": true, "content-length": true, "content-encoding": true, "host": true, "user-agent": true, "expect": true,
}

func validateWebhookHeaders(v *Validation, h map[string]string) {
	if len(h) > MaxWebhookHeaders {
		v.Add("headers", "must have at most %d entries", MaxWebhookHeaders)
		return
	}
	names := make([]string, 0, len(h))
	for name := range h {
		names = append(names, name)
	}
	sort.Strings(names)
	seen := map[string]string{}
	for _, name := range names {
		lower := strings.ToLower(name)
		switch {
		case !validHeaderName(name):
			v.Add("headers", "%q is not a valid header name", name)
		case reservedHeaders[lower] || strings.HasPrefix(lower, "x-pm-") || strings.HasPrefix(lower, "webhook-"):
			v.Add("headers", "%q is set by Porter or is hop-by-hop and cannot be overridden", name)
		case seen[lower] != "":
			v.Add("headers", "%q and %q are the same header", seen[lower], name)
		case !validHeaderValue(h[name]):
			v.Add("headers", "%q has a value with control characters or over %d bytes", name, maxWebhookHeaderValue)
		}
		seen[lower] = name
	}
}

// validHeaderName reports whether s is an RFC 9110 token.
func validHeaderName(s string) bool {
	if s == "" || len(s) > 256 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0 {
			continue
		}
		return false
	}
	return true
}

func validHeaderValue(s string) bool {
	if len(s) > maxWebhookHeaderValue {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < ' ' && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}

func unknownEvents(patterns []string) []string {
	var bad []string
	for _, p := range patterns {
		if _, ok := ExpandEventPattern(p); !ok {
			bad = append(bad, p)
		}
	}
	return bad
}

func quoteAll(s []string) []string {
	out := make([]string, len(s))
	for i, x := range s {
		out[i] = fmt.Sprintf("%q", x)
	}
	return out
}

// checkEventScopes refuses events the key could not read: a subscription
// must not become a way around a narrow key's scopes.
func checkEventScopes(patterns, held []string) error {
	missing := map[string]bool{}
	for _, p := range patterns {
		names, _ := ExpandEventPattern(p)
		for _, n := range names {
			if e, ok := LookupEvent(n); ok && !ScopesAllow(held, e.Scope) {
				missing[e.Scope] = true
			}
		}
	}
	if len(missing) == 0 {
		return nil
	}
	scopes := make([]string, 0, len(missing))
	for s := range missing {
		scopes = append(scopes, s)
	}
	sort.Strings(scopes)
	return Errorf(EFORBIDDEN, "this API key cannot subscribe to these events: it lacks the %s scope", strings.Join(scopes, ", "))
}

func validateWebhookSecret(secret string) error {
	var v Validation
	switch {
	case len(secret) < minWebhookSecret || len(secret) > maxWebhookSecret:
		v.Add("secret", "must be %d to %d characters; omit it to have Porter generate one", minWebhookSecret, maxWebhookSecret)
	case strings.IndexFunc(secret, func(r rune) bool { return r <= ' ' || r == 0x7f }) >= 0:
		v.Add("secret", "must not contain spaces or control characters")
	case strings.HasPrefix(secret, webhookSecretPrefix):
		// Standard Webhooks signs with the bytes the base64 after whsec_ names.
		if k, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, webhookSecretPrefix)); err != nil || len(k) == 0 {
			v.Add("secret", "starts with whsec_ but what follows is not base64")
		}
	}
	return v.Err()
}

// newWebhookSecret makes a whsec_ secret: Service.NewWebhookSecret if set.
func (s *Service) newWebhookSecret() (string, error) {
	if s.NewWebhookSecret != nil {
		return s.NewWebhookSecret(), nil
	}
	b := make([]byte, webhookSecretRandBytes)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("generate webhook secret: %w", err)
	}
	return webhookSecretPrefix + base64.StdEncoding.EncodeToString(b), nil
}

// secretFor returns the secret a create or rotation sets: the one given,
// validated, or a generated one.
func (s *Service) secretFor(given *string) (string, error) {
	if given == nil {
		return s.newWebhookSecret()
	}
	if err := validateWebhookSecret(*given); err != nil {
		return "", err
	}
	return *given, nil
}

// checkWebhookURL runs the SSRF guard. It may resolve names, so it runs
// before the write transaction, never inside it.
func (s *Service) checkWebhookURL(ctx context.Context, raw string) error {
	var v Validation
	validateWebhookURL(&v, raw)
	if err := v.Err(); err != nil {
		return err
	}
	if s.CheckWebhookURL == nil {
		return nil
	}
	if err := s.CheckWebhookURL(ctx, raw); err != nil {
		v.Add("url", "is refused: %s", strings.TrimPrefix(err.Error(), "url: "))
		return v.Err()
	}
	return nil
}

// CreateWebhook subscribes a URL to events. Without a secret Porter makes
// one; the response is the only time it is shown. A REST hook subscribed
// without a secret has none: seed 000 signs only when one is set.
func (s *Service) CreateWebhook(ctx context.Context, orgID int64, in WebhookInput) (*WebhookWithSecret, error) {
	w := &Webhook{URL: in.URL, Events: in.Events, Description: in.Description, RetrySchedule: DefaultRetrySchedule(),
		TimeoutSeconds: DefaultWebhookTimeout, Headers: in.Headers, Ordered: in.Ordered, Enabled: true, Source: in.Source,
		Signature: in.Signature, PayloadFormat: in.PayloadFormat, SignatureHeader: in.SignatureHeader}
	if w.Source == "" {
		w.Source = WebhookSourceAPI
	}
	w.signingDefaults()
	set(&w.RetrySchedule, in.RetrySchedule)
	set(&w.TimeoutSeconds, in.TimeoutSeconds)
	w.normalize()
	if err := w.validate(); err != nil {
		return nil, err
	}
	var secret string
	var err error
	if w.Signature == WebhookSignatureEd25519 {
		if in.Secret != nil {
			return nil, fieldError("secret", "is not taken by an ed25519 webhook: Porter makes its key pair and shows the public key; omit secret, or use signature hmac-sha256")
		}
		secret, w.PublicKey = s.newWebhookKeyPair()
	} else if in.Secret != nil || w.Source == WebhookSourceAPI {
		if secret, err = s.secretFor(in.Secret); err != nil {
			return nil, err
		}
	}
	if err := checkEventScopes(w.Events, in.Scopes); err != nil {
		return nil, err
	}
	if err := s.checkWebhookURL(ctx, w.URL); err != nil {
		return nil, err
	}
	var sealed SealedSecret
	if secret != "" {
		if sealed, err = s.Secrets.Seal(secret); err != nil {
			return nil, fmt.Errorf("create webhook: %w", err)
		}
	}
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*WebhookWithSecret, error) {
		if err := s.checkWebhookCap(ctx, tx); err != nil {
			return nil, err
		}
		w.CreatedAt, w.UpdatedAt = now, now
		if err := tx.InsertWebhook(ctx, w, sealed); err != nil {
			return nil, fmt.Errorf("create webhook: %w", err)
		}
		shown := secret
		if w.Signature == WebhookSignatureEd25519 {
			shown = "" // a private key: the receiver needs only the public one
		}
		return &WebhookWithSecret{Webhook: w, Secret: shown}, record(ctx, tx, now, "webhook.created", "webhook", w.ID, w, nil)
	})
}

// checkWebhookCap refuses a webhook past MaxWebhooksPerOrg. The
// organization's row is locked first, so that creates at once cannot
// both take the last place.
func (s *Service) checkWebhookCap(ctx context.Context, tx Tx) error {
	if s.MaxWebhooksPerOrg <= 0 {
		return nil
	}
	if _, err := tx.OrganizationForUpdate(ctx); err != nil {
		return fmt.Errorf("create webhook: %w", err)
	}
	l, err := tx.Webhooks(ctx, WebhookFilter{ListParams: ListParams{Page: 1, PerPage: 1}})
	if err != nil {
		return fmt.Errorf("create webhook: %w", err)
	}
	if l.Total >= s.MaxWebhooksPerOrg {
		return Errorf(ECONFLICT, "this organization already has %d webhooks, the most allowed (%d); delete one, or raise the limit "+
			"with PORTER_WEBHOOK_MAX_PER_ORG (--webhook-max-per-org)", l.Total, s.MaxWebhooksPerOrg)
	}
	return nil
}

// UpdateWebhook edits a webhook. Enabling it again clears disabled_reason.
func (s *Service) UpdateWebhook(ctx context.Context, orgID, id int64, in WebhookPatch) (*Webhook, error) {
	if in.URL != nil {
		// Another organization's id is 404 whatever the body says.
		if _, err := s.Webhook(ctx, orgID, id); err != nil {
			return nil, err
		}
		// Only the guard runs here; the rest of validation needs the row.
		var v Validation
		validateWebhookURL(&v, *in.URL)
		if v.Err() == nil {
			if err := s.checkWebhookURL(ctx, *in.URL); err != nil {
				return nil, err
			}
		}
	}
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*Webhook, error) {
		w, err := tx.WebhookForUpdate(ctx, id)
		if err != nil {
			return nil, err
		}
		if err := managedWebhook(w); err != nil {
			return nil, err
		}
		before := *w
		if in.Signature != nil && *in.Signature != w.Signature {
			if !slices.Contains(WebhookSignatures, *in.Signature) {
				return nil, fieldError("signature", "must be one of %s, not %q", strings.Join(WebhookSignatures, ", "), *in.Signature)
			}
			return nil, fieldError("signature", "is chosen at creation and stays %s; create a new webhook to sign with %s", w.Signature, *in.Signature)
		}
		in.apply(w)
		if err := w.validate(); err != nil {
			return nil, err
		}
		if in.Events != nil {
			if err := checkEventScopes(w.Events, in.Scopes); err != nil {
				return nil, err
			}
		}
		if unchanged(&before, w) {
			return w, nil // an empty edit writes nothing
		}
		w.UpdatedAt = now
		if err := tx.UpdateWebhook(ctx, w); err != nil {
			return nil, fmt.Errorf("update webhook: %w", err)
		}
		if w.Enabled && (w.URL != before.URL || !before.Enabled) {
			// A new address, or one enabled again, is tried at once: the
			// circuit opened on what was there before.
			if err := tx.CloseWebhookCircuit(ctx, w.ID, s.Now()); err != nil {
				return nil, fmt.Errorf("update webhook: %w", err)
			}
		}
		if before.Enabled && !w.Enabled {
			// Nothing more is sent; recover sends what was pending once enabled again.
			if _, err := tx.FailPendingDeliveries(ctx, w.ID, "webhook disabled", s.Now()); err != nil {
				return nil, fmt.Errorf("update webhook: %w", err)
			}
		}
		return w, record(ctx, tx, now, "webhook.updated", "webhook", w.ID, w, &before)
	})
}

// DeleteWebhook removes a webhook and returns it as it was.
func (s *Service) DeleteWebhook(ctx context.Context, orgID, id int64) (*Webhook, error) {
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*Webhook, error) {
		w, err := tx.WebhookForUpdate(ctx, id)
		if err != nil {
			return nil, err
		}
		if err := managedWebhook(w); err != nil {
			return nil, err
		}
		if err := tx.DeleteWebhook(ctx, id); err != nil {
			return nil, fmt.Errorf("delete webhook: %w", err)
		}
		return w, record(ctx, tx, now, "webhook.deleted", "webhook", w.ID, w, nil)
	})
}

// Unsubscribe removes a REST hook subscription (seed 000's
// unsubscribe.php) and returns it as it was. A webhook created through
// /v1/webhooks is not a REST hook: removing it here would let a no-code
// tool's clean-up delete an integration someone set up by hand.
func (s *Service) Unsubscribe(ctx context.Context, orgID, id int64) (*Webhook, error) {
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*Webhook, error) {
		w, err := tx.WebhookForUpdate(ctx, id)
		if err != nil {
			return nil, err
		}
		if w.Source != WebhookSourceRESTHook {
			return nil, Errorf(EINVALID, "webhook %d was created through /v1/webhooks, not subscribe.php, so unsubscribe.php does not remove it; use DELETE /v1/webhooks/%d", id, id)
		}
		if err := tx.DeleteWebhook(ctx, id); err != nil {
			return nil, fmt.Errorf("unsubscribe: %w", err)
		}
		return w, record(ctx, tx, now, "webhook.deleted", "webhook", w.ID, w, nil)
	})
}

// RotateWebhookSecret gives a webhook a new secret, returned this once.
// The one it replaces keeps signing for WebhookSecretOverlap, so that
// receivers can switch without losing deliveries; so do those rotated out
// before it within that time, up to MaxWebhookSecrets signing at once.
//
// An ed25519 webhook gets a new key pair instead: its public key is in the
// answer's public_key (and the JWKS), the old key signs beside it for the
// same overlap, and no secret is returned.
func (s *Service) RotateWebhookSecret(ctx context.Context, orgID, id int64, in RotateSecretInput) (*WebhookWithSecret, error) {
	hook, err := s.Webhook(ctx, orgID, id)
	if err != nil {
		return nil, err // 404 before any complaint about the body
	}
	if err := managedWebhook(hook); err != nil {
		return nil, err
	}
	var secret, public string
	if hook.Signature == WebhookSignatureEd25519 {
		if in.Secret != nil {
			return nil, fieldError("secret", "is not taken by an ed25519 webhook: rotation makes a new key pair; send no secret")
		}
		secret, public = s.newWebhookKeyPair()
	} else if secret, err = s.secretFor(in.Secret); err != nil {
		return nil, err
	}
	sealed, err := s.Secrets.Seal(secret)
	if err != nil {
		return nil, fmt.Errorf("rotate webhook secret: %w", err)
	}
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*WebhookWithSecret, error) {
		w, err := tx.WebhookForUpdate(ctx, id)
		if err != nil {
			return nil, err
		}
		before := *w
		old, err := tx.WebhookSecrets(ctx, id)
		if err != nil {
			return nil, err
		}
		next, err := s.rotateSecrets(id, old, sealed, now)
		if err != nil {
			return nil, err
		}
		if err := tx.SetWebhookSecrets(ctx, id, next); err != nil {
			return nil, fmt.Errorf("rotate webhook secret: %w", err)
		}
		rotated := now
		w.SecretRotatedAt, w.UpdatedAt = &rotated, now
		shown := secret
		if w.Signature == WebhookSignatureEd25519 {
			w.PublicKey, shown = public, ""
		}
		if err := tx.UpdateWebhook(ctx, w); err != nil {
			return nil, fmt.Errorf("rotate webhook secret: %w", err)
		}
		return &WebhookWithSecret{Webhook: w, Secret: shown}, record(ctx, tx, now, "webhook.updated", "webhook", w.ID, w, &before)
	})
}

// Webhook returns one webhook.
func (s *Service) Webhook(ctx context.Context, orgID, id int64) (*Webhook, error) {
	return view(ctx, s, orgID, func(tx Tx) (*Webhook, error) {
		w, err := tx.Webhook(ctx, id)
		if err != nil {
			return nil, err
		}
		return w, withHealth(ctx, tx, w)
	})
}

// Webhooks lists webhooks, newest first.
func (s *Service) Webhooks(ctx context.Context, orgID int64, f WebhookFilter) (List[*Webhook], error) {
	f.Normalize()
	return view(ctx, s, orgID, func(tx Tx) (List[*Webhook], error) {
		l, err := tx.Webhooks(ctx, f)
		if err != nil {
			return l, err
		}
		return l, withHealth(ctx, tx, l.Items...)
	})
}
