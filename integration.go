package porter

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// Integrations (issue 11, seed 002): long-running connectors next to
// webhooks. An integration receives records at a secret URL, signed with
// its shared secret, maps each through its mapping document onto a Porter
// record and logs what became of it.

// Integration is one connector.
type Integration struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	Type        string `json:"type" doc:"erp, accounting, bms, iot, handover or custom"`
	EndpointURL string `json:"endpoint_url" doc:"Where Porter calls the integration (outbound types); empty for inbound-only ones"`
	// CredentialType says which credentials are stored; they are never
	// returned after creation.
	CredentialType      string             `json:"credential_type" doc:"api_key, oauth_client or shared_secret; the credentials themselves are shown only at creation"`
	SyncMode            string             `json:"sync_mode" doc:"realtime (pushed to the receiver) or scheduled (polled every sync_interval_seconds)"`
	SyncIntervalSeconds int                `json:"sync_interval_seconds"`
	PollURL             string             `json:"poll_url" doc:"scheduled: the URL Porter GETs every sync_interval_seconds for new records"`
	Enabled             bool               `json:"enabled"`
	Status              string             `json:"status" doc:"enabled, disabled, or error while records that failed are not yet retried successfully"`
	Mapping             IntegrationMapping `json:"mapping"`
	OpenErrors          int                `json:"open_errors" doc:"Log rows in error that no later record or retry has resolved"`
	RejectedCount       int                `json:"rejected_count" doc:"Calls to the receiver refused for a wrong signature or stale timestamp, ever"`
	LastError           string             `json:"last_error"`
	LastErrorAt         *time.Time         `json:"last_error_at"`
	LastSuccessAt       *time.Time         `json:"last_success_at"`
	// FirstSyncCompletedAt is when the first full sync ended (seed 001's
	// DATA_NEW gate): POST /v1/integrations/{id}/first_sync/complete for
	// pushed records, the first poll cycle that fetched every page for
	// polled ones.
	FirstSyncCompletedAt *time.Time `json:"first_sync_completed_at"`
	// FirstSync is the first sync's progress (integrationsync.go);
	// FirstSyncRecords, the records applied while it ran, feeds it.
	FirstSync        IntegrationFirstSync `json:"first_sync"`
	FirstSyncRecords int                  `json:"-"`
	// MQTT is the broker subscription of a bms or iot integration (integrationmqtt.go).
	MQTT      *IntegrationMQTT `json:"mqtt" doc:"The broker subscription (bms and iot integrations); null when it has none"`
	CreatedAt time.Time        `json:"created_at"`
	UpdatedAt time.Time        `json:"updated_at"`

	// ERP / accounting posting (integrationposting.go).
	PostingRules     *PostingRules `json:"posting_rules" doc:"erp and accounting: when and how work-order costs (and rent collected) are posted; null when not set"`
	PostingWebhookID *int64        `json:"posting_webhook_id" doc:"The webhook this integration owns to deliver its postings (source integration); null until posting rules are set"`

	CredentialsSealed []byte `json:"-"` // outbound credentials, sealed JSON
	SecretSealed      []byte `json:"-"` // the receiver's signing secret, sealed
	TokenHash         []byte `json:"-"` // SHA-256 of the receiver URL's token
}

// IntegrationWithSecret is what creation and rotation answer: the only
// time the signing secret and the receiver URL are shown.
type IntegrationWithSecret struct {
	*Integration
	Secret      string `json:"secret" doc:"The shared secret that signs calls to the receiver; shown only now"`
	ReceiverURL string `json:"receiver_url,omitempty" doc:"POST signed records here; shown only at creation and when rotated with receiver_url: true"`
}

// Integration types, statuses, sync modes and credential types.
const (
	IntegrationERP        = "erp"
	IntegrationAccounting = "accounting"
	IntegrationBMS        = "bms"
	IntegrationIoT        = "iot"
	IntegrationHandover   = "handover"
	IntegrationCustom     = "custom"

	IntegrationEnabled  = "enabled"
	IntegrationDisabled = "disabled"
	IntegrationError    = "error"

	SyncRealtime  = "realtime"
	SyncScheduled = "scheduled"

	CredentialAPIKey       = "api_key"
	CredentialOAuthClient  = "oauth_client"
	CredentialSharedSecret = "shared_secret"
)

var (
	IntegrationTypes       = []string{IntegrationERP, IntegrationAccounting, IntegrationBMS, IntegrationIoT, IntegrationHandover, IntegrationCustom}
	IntegrationStatuses    = []string{IntegrationEnabled, IntegrationDisabled, IntegrationError}
	IntegrationSyncModes   = []string{SyncRealtime, SyncScheduled}
	IntegrationCredentials = []string{CredentialAPIKey, CredentialOAuthClient, CredentialSharedSecret}
)

// outboundIntegration: Porter posts to these, so they need an endpoint.
func outboundIntegration(typ string) bool {
	return typ == IntegrationERP || typ == IntegrationAccounting
}

const (
	maxIntegrationName      = 200
	minSyncIntervalSeconds  = 60
	maxSyncIntervalSeconds  = 7 * 24 * 3600
	maxIntegrationCredField = 4096
)

// IntegrationCredentialsInput are the credentials an integration holds:
// an API key, OAuth client credentials, or a shared secret. A shared
// secret also signs calls to the receiver; without one Porter makes a
// whsec_ secret for that.
type IntegrationCredentialsInput struct {
	Type         string `json:"type" doc:"api_key, oauth_client or shared_secret"`
	APIKey       string `json:"api_key,omitempty"`
	APIKeyHeader string `json:"api_key_header,omitempty" doc:"api_key: the header a poll sends the key in, as it is; default Authorization: Bearer <api_key>"`
	ClientID     string `json:"client_id,omitempty"`
	ClientSecret string `json:"client_secret,omitempty"`
	TokenURL     string `json:"token_url,omitempty"`
	Secret       string `json:"secret,omitempty" doc:"shared_secret: the handshake secret from the other side (16 to 256 characters); omit it to have Porter generate one"`
}

// IntegrationInput creates an integration; on PATCH nil fields are left
// alone, and a mapping replaces the whole document.
type IntegrationInput struct {
	Name                *string                      `json:"name"`
	Type                *string                      `json:"type" doc:"erp, accounting, bms, iot, handover or custom; cannot change"`
	EndpointURL         *string                      `json:"endpoint_url" doc:"Required for erp and accounting; passes the same guard as webhook URLs"`
	Credentials         *IntegrationCredentialsInput `json:"credentials" doc:"Write-only: replaced on PATCH, never returned"`
	SyncMode            *string                      `json:"sync_mode" doc:"realtime (default) or scheduled"`
	SyncIntervalSeconds *int                         `json:"sync_interval_seconds" doc:"scheduled: 60 to 604800"`
	PollURL             *string                      `json:"poll_url" doc:"Required for sync_mode scheduled: the URL Porter polls; passes the same guard as webhook URLs"`
	Enabled             *bool                        `json:"enabled"`
	Mapping             *IntegrationMapping          `json:"mapping"`
	// MQTT subscribes a bms or iot integration to a broker (integrationmqtt.go).
	MQTT         *IntegrationMQTTInput `json:"mqtt" doc:"bms and iot: subscribe to an MQTT broker; replaces the subscription on PATCH (broker_url \"\" removes it)"`
	PostingRules *PostingRules         `json:"posting_rules" doc:"erp and accounting only: replaces the posting rules; triggers [] stops posting"`
}

// RotateIntegrationSecretInput rotates an integration's signing secret.
type RotateIntegrationSecretInput struct {
	Secret      *string `json:"secret" doc:"The new shared secret; omit it to have Porter generate one"`
	ReceiverURL bool    `json:"receiver_url" doc:"Also give the receiver a new URL; the old one answers 404 from now on"`
}

// IntegrationFilter narrows an integration listing.
type IntegrationFilter struct {
	ListParams
	Type   string
	Status string
}

// IntegrationLink ties a source record to the Porter record it became.
type IntegrationLink struct {
	IntegrationID int64
	Entity        string
	SourceID      string
	TargetType    string
	TargetID      int64
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// IntegrationTx stores integrations, their links and their log.
type IntegrationTx interface {
	InsertIntegration(ctx context.Context, in *Integration) error
	Integration(ctx context.Context, id int64) (*Integration, error)
	UpdateIntegration(ctx context.Context, in *Integration) error
	// SetIntegrationSecret replaces the sealed signing secret and the
	// receiver token's hash.
	SetIntegrationSecret(ctx context.Context, id int64, secretSealed, tokenHash []byte, now time.Time) error
	// CountIntegrationRejected adds one to the rejected counter, atomically.
	CountIntegrationRejected(ctx context.Context, id int64) error
	// CountIntegrationFirstSyncRecords counts n more records applied in
	// the integration's first sync and reports true, or reports false once
	// the first sync has completed. It orders the transaction against the
	// one completing the sync (PostgreSQL: the integration's row lock).
	CountIntegrationFirstSyncRecords(ctx context.Context, id int64, n int) (bool, error)
	DeleteIntegration(ctx context.Context, id int64) error
	Integrations(ctx context.Context, f IntegrationFilter) (List[*Integration], error)

	// LockIntegrationSource serialises the transactions applying one source
	// record, so that two calls carrying it at once cannot both create it.
	LockIntegrationSource(ctx context.Context, integrationID int64, entity, sourceID string) error
	IntegrationLink(ctx context.Context, integrationID int64, entity, sourceID string) (*IntegrationLink, error)
	PutIntegrationLink(ctx context.Context, l *IntegrationLink) error

	InsertIntegrationLog(ctx context.Context, e *IntegrationLogEntry) error
	// InsertIntegrationLogs inserts log rows in one statement, setting
	// their IDs in order: the batched meter-readings path.
	InsertIntegrationLogs(ctx context.Context, es []*IntegrationLogEntry) error
	UpdateIntegrationLog(ctx context.Context, e *IntegrationLogEntry) error
	// SupersedeIntegrationErrors closes the open errors of e's source
	// record logged before e.
	SupersedeIntegrationErrors(ctx context.Context, e *IntegrationLogEntry) error
	// OpenIntegrationErrors lists up to limit open errors after afterID,
	// oldest first.
	OpenIntegrationErrors(ctx context.Context, integrationID, afterID int64, limit int) ([]*IntegrationLogEntry, error)
	CountOpenIntegrationErrors(ctx context.Context, integrationID int64) (int, error)
	IntegrationLog(ctx context.Context, f IntegrationLogFilter) (List[*IntegrationLogEntry], error)
}

// headerName is a header an API key may travel in.
var headerName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9-]{0,63}$`)

// integrationTokenHash is how receiver tokens are found: 32 random bytes,
// so an unsalted hash is enough.
func integrationTokenHash(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

func newIntegrationToken() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// IntegrationReceiverURL is where an integration's records are posted.
func (s *Service) IntegrationReceiverURL(token string) string {
	return strings.TrimRight(s.BaseURL, "/") + "/hooks/" + token
}

func (in *Integration) refreshStatus() {
	switch {
	case !in.Enabled:
		in.Status = IntegrationDisabled
	case in.OpenErrors > 0:
		in.Status = IntegrationError
	default:
		in.Status = IntegrationEnabled
	}
}

func (in *Integration) validate() error {
	var v Validation
	in.Name = strings.TrimSpace(in.Name)
	v.Required("name", in.Name)
	if len(in.Name) > maxIntegrationName {
		v.Add("name", "must be at most %d characters", maxIntegrationName)
	}
	v.OneOf("type", in.Type, IntegrationTypes...)
	if in.EndpointURL != "" {
		var u Validation
		validateWebhookURL(&u, in.EndpointURL)
		for _, f := range u.fields {
			v.Add("endpoint_url", "%s", f.Message)
		}
	} else if outboundIntegration(in.Type) {
		v.Add("endpoint_url", "is required for %s integrations", in.Type)
	}
	v.OneOf("sync_mode", in.SyncMode, IntegrationSyncModes...)
	if in.SyncMode == SyncScheduled && (in.SyncIntervalSeconds < minSyncIntervalSeconds || in.SyncIntervalSeconds > maxSyncIntervalSeconds) {
		v.Add("sync_interval_seconds", "must be %d to %d for a scheduled integration", minSyncIntervalSeconds, maxSyncIntervalSeconds)
	}
	if in.SyncMode == SyncRealtime && in.SyncIntervalSeconds != 0 {
		v.Add("sync_interval_seconds", "applies only to sync_mode scheduled")
	}
	in.PollURL = strings.TrimSpace(in.PollURL)
	if in.PollURL != "" {
		var u Validation
		validateWebhookURL(&u, in.PollURL)
		for _, f := range u.fields {
			v.Add("poll_url", "%s", f.Message)
		}
	} else if in.SyncMode == SyncScheduled {
		v.Add("poll_url", "is required for a scheduled integration: the URL Porter polls for new records")
	}
	return v.Err()
}

// validate checks credentials and returns the signing secret they give
// (a shared secret), "" otherwise.
func (c *IntegrationCredentialsInput) validate(v *Validation) {
	if c.Type != CredentialAPIKey && c.APIKeyHeader != "" {
		v.Add("credentials.api_key_header", "applies only to credentials of type api_key")
	}
	v.OneOf("credentials.type", c.Type, IntegrationCredentials...)
	long := func(field, val string) {
		if len(val) > maxIntegrationCredField {
			v.Add("credentials."+field, "must be at most %d characters", maxIntegrationCredField)
		}
	}
	switch c.Type {
	case CredentialAPIKey:
		v.Required("credentials.api_key", c.APIKey)
		if c.APIKeyHeader != "" && !headerName.MatchString(c.APIKeyHeader) {
			v.Add("credentials.api_key_header", "must be a header name: 1 to 64 letters, digits and -, e.g. X-Api-Key")
		}
	case CredentialOAuthClient:
		v.Required("credentials.client_id", c.ClientID)
		v.Required("credentials.client_secret", c.ClientSecret)
		v.Required("credentials.token_url", c.TokenURL)
		if c.TokenURL != "" {
			var u Validation
			validateWebhookURL(&u, c.TokenURL)
			for _, f := range u.fields {
				v.Add("credentials.token_url", "%s", f.Message)
			}
		}
	case CredentialSharedSecret:
		if c.Secret != "" {
			if err := validateWebhookSecret(c.Secret); err != nil {
				v.Add("credentials.secret", "%s", strings.TrimPrefix(err.Error(), "secret "))
			}
		}
	}
	for f, val := range map[string]string{"api_key": c.APIKey, "client_id": c.ClientID, "client_secret": c.ClientSecret, "token_url": c.TokenURL} {
		long(f, val)
	}
}

// sealCredentials seals the outbound credentials (nil for a shared secret,
// which is the signing secret itself).
func (s *Service) sealCredentials(c *IntegrationCredentialsInput) ([]byte, error) {
	if c.Type == CredentialSharedSecret {
		return nil, nil
	}
	b, err := json.Marshal(c)
	if err != nil {
		return nil, err
	}
	return s.Secrets.Seal(string(b))
}

// checkIntegrationURL runs the SSRF guard on a URL an integration will
// call. It may resolve names, so it runs before the write transaction.
func (s *Service) checkIntegrationURL(ctx context.Context, field, raw string) error {
	if raw == "" || s.CheckWebhookURL == nil {
		return nil
	}
	if err := s.CheckWebhookURL(ctx, raw); err != nil {
		var v Validation
		v.Add(field, "is refused: %s", strings.TrimPrefix(err.Error(), "url: "))
		return v.Err()
	}
	return nil
}

// CreateIntegration adds a connector. The response is the only time its
// signing secret and receiver URL are shown.
func (s *Service) CreateIntegration(ctx context.Context, orgID int64, in IntegrationInput) (*IntegrationWithSecret, error) {
	it := &Integration{SyncMode: SyncRealtime, Enabled: true, CredentialType: CredentialSharedSecret}
	set(&it.Name, in.Name)
	set(&it.Type, in.Type)
	set(&it.EndpointURL, in.EndpointURL)
	set(&it.SyncMode, in.SyncMode)
	set(&it.SyncIntervalSeconds, in.SyncIntervalSeconds)
	set(&it.PollURL, in.PollURL)
	set(&it.Enabled, in.Enabled)
	if in.Mapping != nil {
		it.Mapping = *in.Mapping
	}
	verr := it.validate()
	creds := IntegrationCredentialsInput{Type: CredentialSharedSecret}
	if in.Credentials != nil {
		creds = *in.Credentials
		var v Validation
		creds.validate(&v)
		verr = mergeInvalid(verr, v.Err())
	}
	if verr != nil {
		return nil, verr
	}
	if err := it.Mapping.validate(); err != nil {
		return nil, err
	}
	if err := s.checkIntegrationURL(ctx, "endpoint_url", it.EndpointURL); err != nil {
		return nil, err
	}
	if err := s.checkIntegrationURL(ctx, "poll_url", it.PollURL); err != nil {
		return nil, err
	}
	if creds.Type == CredentialOAuthClient {
		if err := s.checkIntegrationURL(ctx, "credentials.token_url", creds.TokenURL); err != nil {
			return nil, err
		}
	}
	mqttSealed, err := s.prepareMQTT(ctx, in.MQTT)
	if err != nil {
		return nil, err
	}
	if s.Secrets == nil {
		return nil, errors.New("create integration: no secret box configured")
	}
	secret := creds.Secret
	if creds.Type != CredentialSharedSecret || secret == "" {
		var err error
		if secret, err = s.newWebhookSecret(); err != nil {
			return nil, err
		}
	}
	it.CredentialType = creds.Type
	if it.CredentialsSealed, err = s.sealCredentials(&creds); err != nil {
		return nil, fmt.Errorf("create integration: %w", err)
	}
	if it.SecretSealed, err = s.Secrets.Seal(secret); err != nil {
		return nil, fmt.Errorf("create integration: %w", err)
	}
	token := newIntegrationToken()
	it.TokenHash = integrationTokenHash(token)
	it.refreshStatus()
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*IntegrationWithSecret, error) {
		it.CreatedAt, it.UpdatedAt = now, now
		if err := tx.InsertIntegration(ctx, it); err != nil {
			return nil, fmt.Errorf("create integration: %w", err)
		}
		if err := putMQTT(ctx, tx, now, it, in.MQTT, mqttSealed); err != nil {
			return nil, err
		}
		if err := preparePostingRules(ctx, tx, it, in.PostingRules); err != nil {
			return nil, err
		}
		if err := s.syncPosting(ctx, tx, now, it, nil); err != nil {
			return nil, fmt.Errorf("create integration: %w", err)
		}
		out := &IntegrationWithSecret{Integration: it, Secret: secret, ReceiverURL: s.IntegrationReceiverURL(token)}
		return out, record(ctx, tx, now, "integration.created", "integration", it.ID, it, nil)
	})
}

// UpdateIntegration edits an integration: new credentials replace the old
// ones, a mapping replaces the whole document, and enabled turns it on or
// off. The type cannot change.
func (s *Service) UpdateIntegration(ctx context.Context, orgID, id int64, in IntegrationInput) (*Integration, error) {
	var sealed []byte
	if in.Credentials != nil {
		var v Validation
		in.Credentials.validate(&v)
		if in.Credentials.Type == CredentialSharedSecret {
			v.Add("credentials.type", "shared_secret is the signing secret: change it with POST /v1/integrations/%d/rotate_secret", id)
		}
		if err := v.Err(); err != nil {
			return nil, err
		}
		if in.Credentials.Type == CredentialOAuthClient {
			if err := s.checkIntegrationURL(ctx, "credentials.token_url", in.Credentials.TokenURL); err != nil {
				return nil, err
			}
		}
		if s.Secrets == nil {
			return nil, errors.New("update integration: no secret box configured")
		}
		var err error
		if sealed, err = s.sealCredentials(in.Credentials); err != nil {
			return nil, fmt.Errorf("update integration: %w", err)
		}
	}
	if in.Mapping != nil {
		if err := in.Mapping.validate(); err != nil {
			return nil, err
		}
	}
	if in.EndpointURL != nil && *in.EndpointURL != "" {
		var v Validation
		validateWebhookURL(&v, *in.EndpointURL)
		if v.Err() == nil {
			if err := s.checkIntegrationURL(ctx, "endpoint_url", *in.EndpointURL); err != nil {
				return nil, err
			}
		}
	}
	if in.PollURL != nil && strings.TrimSpace(*in.PollURL) != "" {
		var v Validation
		validateWebhookURL(&v, strings.TrimSpace(*in.PollURL))
		if v.Err() == nil {
			if err := s.checkIntegrationURL(ctx, "poll_url", strings.TrimSpace(*in.PollURL)); err != nil {
				return nil, err
			}
		}
	}
	mqttSealed, err := s.prepareMQTT(ctx, in.MQTT)
	if err != nil {
		return nil, err
	}
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*Integration, error) {
		it, err := tx.IntegrationForUpdate(ctx, id)
		if err != nil {
			return nil, err
		}
		if err := withPostingRules(ctx, tx, it); err != nil {
			return nil, err
		}
		if in.Type != nil && strings.TrimSpace(*in.Type) != it.Type {
			return nil, &Error{Code: EINVALID, Message: "type cannot be changed: create another integration",
				Fields: []FieldError{{Field: "type", Message: "cannot be changed"}}}
		}
		before := *it
		set(&it.Name, in.Name)
		set(&it.EndpointURL, in.EndpointURL)
		set(&it.SyncMode, in.SyncMode)
		set(&it.SyncIntervalSeconds, in.SyncIntervalSeconds)
		set(&it.PollURL, in.PollURL)
		if it.SyncMode == SyncRealtime && in.SyncMode != nil && in.SyncIntervalSeconds == nil {
			it.SyncIntervalSeconds = 0
		}
		set(&it.Enabled, in.Enabled)
		if in.Mapping != nil {
			it.Mapping = *in.Mapping
		}
		if err := it.validate(); err != nil {
			return nil, err
		}
		if err := preparePostingRules(ctx, tx, it, in.PostingRules); err != nil {
			return nil, err
		}
		if in.Credentials != nil {
			it.CredentialType, it.CredentialsSealed = in.Credentials.Type, sealed
		}
		it.refreshStatus()
		// The subscription has its own row and audit entry: compared apart.
		if err := putMQTT(ctx, tx, now, it, in.MQTT, mqttSealed); err != nil {
			return nil, err
		}
		before.MQTT = it.MQTT
		changed := !unchanged(&before, it)
		if !changed && in.Credentials == nil {
			return it, nil // an empty edit writes nothing
		}
		it.UpdatedAt = now
		if err := tx.UpdateIntegration(ctx, it); err != nil {
			return nil, fmt.Errorf("update integration: %w", err)
		}
		if err := s.syncPosting(ctx, tx, now, it, &before); err != nil {
			return nil, fmt.Errorf("update integration: %w", err)
		}
		if !changed {
			// Only the credentials changed: nothing a receiver sees, but
			// the audit log says they did, never what to.
			audited(tx, "integration", it.ID, nil, map[string]any{"credentials": "[redacted]"})
			return it, nil
		}
		return it, record(ctx, tx, now, "integration.updated", "integration", it.ID, it, &before)
	})
}

// RotateIntegrationSecret gives an integration a new signing secret (and,
// when asked, a new receiver URL); the old ones stop working at once.
func (s *Service) RotateIntegrationSecret(ctx context.Context, orgID, id int64, in RotateIntegrationSecretInput) (*IntegrationWithSecret, error) {
	secret, err := s.secretFor(in.Secret)
	if err != nil {
		return nil, err
	}
	if s.Secrets == nil {
		return nil, errors.New("rotate integration secret: no secret box configured")
	}
	sealed, err := s.Secrets.Seal(secret)
	if err != nil {
		return nil, fmt.Errorf("rotate integration secret: %w", err)
	}
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*IntegrationWithSecret, error) {
		it, err := tx.Integration(ctx, id)
		if err != nil {
			return nil, err
		}
		out := &IntegrationWithSecret{Integration: it, Secret: secret}
		hash := it.TokenHash
		if in.ReceiverURL {
			token := newIntegrationToken()
			hash, out.ReceiverURL = integrationTokenHash(token), s.IntegrationReceiverURL(token)
		}
		if err := tx.SetIntegrationSecret(ctx, id, sealed, hash, now); err != nil {
			return nil, fmt.Errorf("rotate integration secret: %w", err)
		}
		if err := s.rotatePostingWebhook(ctx, tx, now, it, sealed); err != nil {
			return nil, fmt.Errorf("rotate integration secret: %w", err)
		}
		it.UpdatedAt = now
		audited(tx, "integration", id, nil, map[string]any{"secret": "[redacted]", "receiver_url_rotated": in.ReceiverURL})
		return out, nil
	})
}

// DeleteIntegration removes an integration, its links and its log. The
// records it created stay.
func (s *Service) DeleteIntegration(ctx context.Context, orgID, id int64) error {
	_, err := update(ctx, s, orgID, func(tx Tx, _ time.Time) (struct{}, error) {
		it, err := tx.Integration(ctx, id)
		if err != nil {
			return struct{}{}, err
		}
		audited(tx, "integration", id, it, nil)
		if err := tx.DeleteIntegrationMQTT(ctx, id); err != nil {
			return struct{}{}, err
		}
		if err := deletePostingWebhook(ctx, tx, it); err != nil {
			return struct{}{}, fmt.Errorf("delete integration: %w", err)
		}
		return struct{}{}, tx.DeleteIntegration(ctx, id)
	})
	return err
}

// Integration returns one integration.
func (s *Service) Integration(ctx context.Context, orgID, id int64) (*Integration, error) {
	return view(ctx, s, orgID, func(tx Tx) (*Integration, error) {
		it, err := tx.Integration(ctx, id)
		if err != nil {
			return nil, err
		}
		if err := attachMQTT(ctx, tx, it); err != nil {
			return nil, err
		}
		return it, withPostingRules(ctx, tx, it)
	})
}

// Integrations lists integrations, newest first.
func (s *Service) Integrations(ctx context.Context, orgID int64, f IntegrationFilter) (List[*Integration], error) {
	f.Normalize()
	var v Validation
	if f.Type != "" {
		v.OneOf("type", f.Type, IntegrationTypes...)
	}
	if f.Status != "" {
		v.OneOf("status", f.Status, IntegrationStatuses...)
	}
	if err := v.Err(); err != nil {
		return List[*Integration]{}, err
	}
	return view(ctx, s, orgID, func(tx Tx) (List[*Integration], error) {
		l, err := tx.Integrations(ctx, f)
		if err != nil {
			return l, err
		}
		if err := attachMQTT(ctx, tx, l.Items...); err != nil {
			return l, err
		}
		for _, it := range l.Items {
			if err := withPostingRules(ctx, tx, it); err != nil {
				return l, err
			}
		}
		return l, nil
	})
}

// integrationSecret opens an integration's signing secret.
func (s *Service) integrationSecret(it *Integration) (string, error) {
	if s.Secrets == nil {
		return "", errors.New("integration secret: no secret box configured")
	}
	return s.Secrets.Open(it.SecretSealed)
}
