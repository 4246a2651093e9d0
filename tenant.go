package porter

import (
	"context"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/mail"
	"net/url"
	"strings"
	"time"
)

// Tenant is a resident with a portal account. A tenant starts invited and
// becomes active on accepting the invitation.
type Tenant struct {
	ID          int64      `json:"id"`
	Email       string     `json:"email"`
	FirstName   string     `json:"first_name"`
	LastName    string     `json:"last_name"`
	Phone       string     `json:"phone"`
	Role        string     `json:"role"`                 // always "tenant"
	Status      string     `json:"status"`               // invited | active
	AcceptURL   string     `json:"accept_url,omitempty"` // only in the response that creates the tenant
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
	ActivatedAt *time.Time `json:"activated_at"`

	InviteTokenHash []byte `json:"-"` // SHA-256 of the single-use token; nil once used
	PasswordHash    string `json:"-"`
}

const (
	TenantInvited = "invited"
	TenantActive  = "active"
)

// TenantFilter narrows a tenant listing.
type TenantFilter struct {
	ListParams
	Status string
	Email  string
	// Search matches part of the email or the full name, ignoring ASCII
	// case.
	Search string
}

// SearchPattern is Search as a LIKE pattern over lower-cased text, ""
// for no search. LIKE's own wildcards and escape in Search become "_",
// which matches them (and any other one character) on both engines.
func (f TenantFilter) SearchPattern() string {
	q := strings.TrimSpace(f.Search)
	if q == "" {
		return ""
	}
	q = strings.NewReplacer("%", "_", "_", "_", "\\", "_").Replace(strings.ToLower(q))
	return "%" + q + "%"
}

// TenantTx stores tenants.
type TenantTx interface {
	InsertTenant(ctx context.Context, t *Tenant) error
	Tenant(ctx context.Context, id int64) (*Tenant, error)
	// TenantForUpdate is Tenant, locking the row until the transaction ends
	// where the engine has concurrent writers.
	TenantForUpdate(ctx context.Context, id int64) (*Tenant, error)
	UpdateTenant(ctx context.Context, t *Tenant) error
	Tenants(ctx context.Context, f TenantFilter) (List[*Tenant], error)
}

// TenantInput invites a tenant; on PATCH, nil fields are left alone.
type TenantInput struct {
	Email     *string `json:"email"`
	FirstName *string `json:"first_name"`
	LastName  *string `json:"last_name"`
	Phone     *string `json:"phone"`
}

func (in TenantInput) apply(t *Tenant) {
	set(&t.Email, in.Email)
	set(&t.FirstName, in.FirstName)
	set(&t.LastName, in.LastName)
	set(&t.Phone, in.Phone)
	t.Email = strings.ToLower(t.Email)
}

func (t *Tenant) validate() error {
	var v Validation
	v.Required("email", t.Email)
	if t.Email != "" {
		if a, err := mail.ParseAddress(t.Email); err != nil || a.Address != t.Email {
			v.Add("email", "must be an email address")
		}
	}
	v.Required("first_name", t.FirstName)
	v.Required("last_name", t.LastName)
	return v.Err()
}

// CreateTenant invites a tenant: the tenant is stored as invited with a
// single-use token, and the invitation email is queued in the mail outbox
// in the same transaction.
func (s *Service) CreateTenant(ctx context.Context, orgID int64, in TenantInput) (*Tenant, error) {
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*Tenant, error) {
		t := &Tenant{Role: "tenant", Status: TenantInvited, CreatedAt: now, UpdatedAt: now}
		in.apply(t)
		if err := t.validate(); err != nil {
			return nil, err
		}
		token := randomToken()
		t.InviteTokenHash = hashToken(token)
		if err := tx.InsertTenant(ctx, t); err != nil {
			return nil, duplicateEmail(err, t.Email)
		}
		if err := record(ctx, tx, now, "tenant.created", "tenant", t.ID, t, nil); err != nil {
			return nil, err
		}
		return t, s.queueInvitation(ctx, tx, now, t, token)
	})
}

// queueInvitation sets t's accept link for token and queues the
// invitation email in the mail outbox, in the caller's transaction.
func (s *Service) queueInvitation(ctx context.Context, tx Tx, now time.Time, t *Tenant, token string) error {
	t.AcceptURL = strings.TrimRight(s.BaseURL, "/") + "/accept-invite.php?token=" + url.QueryEscape(token)
	org, err := tx.Organization(ctx)
	if err != nil {
		return err
	}
	msg := &Message{
		Channel: "email", To: t.Email, Status: MessageQueued, CreatedAt: now,
		Subject: "You are invited to " + org.Name,
		Body: fmt.Sprintf("Hello %s,\n\n%s has invited you to your resident portal. "+
			"Set your password here:\n\n%s\n\nThe link works once.\n", t.FirstName, org.Name, t.AcceptURL),
	}
	if err := tx.InsertMessage(ctx, msg); err != nil {
		return fmt.Errorf("queue invitation: %w", err)
	}
	return nil
}

// ResendInvitation sends an invited tenant a fresh invitation: a new
// single-use token replaces the old one, so only the latest email's link
// works, and the email is queued as CreateTenant queues it. A tenant who
// has accepted has nothing to accept: 409.
func (s *Service) ResendInvitation(ctx context.Context, orgID, id int64) (*Tenant, error) {
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*Tenant, error) {
		t, err := tx.TenantForUpdate(ctx, id)
		if err != nil {
			return nil, err
		}
		if t.Status != TenantInvited {
			return nil, Errorf(ECONFLICT, "tenant %d has already accepted the invitation", id)
		}
		token := randomToken()
		t.InviteTokenHash, t.UpdatedAt = hashToken(token), now
		if err := tx.UpdateTenant(ctx, t); err != nil {
			return nil, fmt.Errorf("resend invitation: %w", err)
		}
		if err := record(ctx, tx, now, "tenant.invitation_resent", "tenant", t.ID, t, nil); err != nil {
			return nil, err
		}
		return t, s.queueInvitation(ctx, tx, now, t, token)
	})
}

// UpdateTenant edits a tenant.
func (s *Service) UpdateTenant(ctx context.Context, orgID, id int64, in TenantInput) (*Tenant, error) {
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*Tenant, error) {
		t, err := tx.TenantForUpdate(ctx, id)
		if err != nil {
			return nil, err
		}
		before := *t
		in.apply(t)
		if err := t.validate(); err != nil {
			return nil, err
		}
		if unchanged(&before, t) {
			return t, nil // an empty edit writes nothing
		}
		t.UpdatedAt = now
		if err := tx.UpdateTenant(ctx, t); err != nil {
			return nil, duplicateEmail(err, t.Email)
		}
		return t, record(ctx, tx, now, "tenant.updated", "tenant", t.ID, t, &before)
	})
}

// Tenant returns one tenant.
func (s *Service) Tenant(ctx context.Context, orgID, id int64) (*Tenant, error) {
	return view(ctx, s, orgID, func(tx Tx) (*Tenant, error) { return tx.Tenant(ctx, id) })
}

// Tenants lists tenants, newest first.
func (s *Service) Tenants(ctx context.Context, orgID int64, f TenantFilter) (List[*Tenant], error) {
	f.Normalize()
	if f.Status != "" {
		var v Validation
		v.OneOf("status", f.Status, TenantInvited, TenantActive)
		if err := v.Err(); err != nil {
			return List[*Tenant]{}, err
		}
	}
	if len(f.Search) > 200 {
		return List[*Tenant]{}, fieldErr("search", "must be at most 200 characters")
	}
	return view(ctx, s, orgID, func(tx Tx) (List[*Tenant], error) { return tx.Tenants(ctx, f) })
}

// InvitedTenant finds the tenant an unused invitation token belongs to.
func (s *Service) InvitedTenant(ctx context.Context, token string) (orgID int64, t *Tenant, err error) {
	orgID, id, err := s.Store.InvitedTenant(ctx, hashToken(token))
	if err != nil {
		return 0, nil, err
	}
	t, err = s.Tenant(ctx, orgID, id)
	return orgID, t, err
}

// AcceptInvite sets the tenant's password, spends the token and makes the
// tenant active.
func (s *Service) AcceptInvite(ctx context.Context, token, password string) (*Tenant, error) {
	if len(password) < 8 {
		return nil, &Error{Code: EINVALID, Message: "password must be at least 8 characters", Fields: []FieldError{{"password", "must be at least 8 characters"}}}
	}
	orgID, id, err := s.Store.InvitedTenant(ctx, hashToken(token))
	if err != nil {
		return nil, err
	}
	// PBKDF2 takes a fifth of a second: hash before the transaction, not
	// while holding the writer (SQLite) or the tenant's row (PostgreSQL).
	hash := hashPassword(password)
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*Tenant, error) {
		t, err := tx.TenantForUpdate(ctx, id)
		if err != nil {
			return nil, err
		}
		if t.InviteTokenHash == nil {
			return nil, Errorf(ENOTFOUND, "this invitation has already been used")
		}
		before := *t
		t.PasswordHash = hash
		t.InviteTokenHash = nil
		t.Status, t.ActivatedAt, t.UpdatedAt = TenantActive, &now, now
		if err := tx.UpdateTenant(ctx, t); err != nil {
			return nil, fmt.Errorf("accept invite: %w", err)
		}
		return t, record(ctx, tx, now, "tenant.activated", "tenant", t.ID, t, &before)
	})
}

func duplicateEmail(err error, email string) error {
	if ErrorCode(err) == ECONFLICT {
		return &Error{Code: ECONFLICT, Message: "a tenant with email " + email + " already exists",
			Fields: []FieldError{{"email", "is already taken"}}}
	}
	return fmt.Errorf("save tenant: %w", err)
}

func randomToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func hashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

const passwordIterations = 600_000 // OWASP's figure for PBKDF2-HMAC-SHA256

// hashPassword returns "pbkdf2-sha256$iterations$salt$hash".
func hashPassword(password string) string {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		panic(err)
	}
	key, err := pbkdf2.Key(sha256.New, password, salt, passwordIterations, 32)
	if err != nil {
		panic(err)
	}
	return fmt.Sprintf("pbkdf2-sha256$%d$%s$%s", passwordIterations, hex.EncodeToString(salt), hex.EncodeToString(key))
}
