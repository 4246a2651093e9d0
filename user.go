package porter

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"net/mail"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/argon2"
)

// User is a person of an organization who signs in to the console.
type User struct {
	ID           int64
	OrgID        int64
	Email        string // lower case, unique in its organization
	Role         string // admin | manager | viewer
	PasswordHash string // argon2id, PHC string
	StaffID      *int64 // the staff record this person is, if any
	CreatedAt    time.Time
	// LastSignInAt is when the user last signed in; nil: never.
	LastSignInAt *time.Time
	// DeactivatedAt is when an admin deactivated the user, who then cannot
	// sign in and has no sessions; nil: active.
	DeactivatedAt *time.Time
}

// Active reports whether the user may sign in.
func (u *User) Active() bool { return u.DeactivatedAt == nil }

// Console roles, from most to least able.
const (
	RoleAdmin   = "admin"   // everything, settings included
	RoleManager = "manager" // portfolio and operations; no keys, webhooks or users
	RoleViewer  = "viewer"  // reads only
)

// Roles lists the roles, most able first.
var Roles = []string{RoleAdmin, RoleManager, RoleViewer}

// CanWrite reports whether the user may change the portfolio.
func (u *User) CanWrite() bool { return u.Role == RoleAdmin || u.Role == RoleManager }

// CanAdmin reports whether the user may change settings (keys, webhooks, users).
func (u *User) CanAdmin() bool { return u.Role == RoleAdmin }

// Session is a signed-in console user. Only the SHA-256 of its token is stored.
type Session struct {
	TokenHash  []byte
	UserID     int64
	CreatedAt  time.Time
	LastSeenAt time.Time
}

// Session lifetimes: a session unused for SessionIdle ends, and so does
// every session SessionMax after sign-in, however busy.
const (
	SessionIdle = 12 * time.Hour
	SessionMax  = 7 * 24 * time.Hour
	// sessionTouchEvery bounds how often a busy session's last_seen_at is written.
	sessionTouchEvery = time.Minute
	MinPasswordLen    = 12
)

// UserStore keeps console users and their sessions. Sign-in happens before
// the organization is known, so these work across organizations.
type UserStore interface {
	// InsertUser stores u and sets its ID; a taken email is a conflict.
	InsertUser(ctx context.Context, u *User) error
	User(ctx context.Context, id int64) (*User, error)
	// UsersByEmail finds the users with this (lower-case) email in any
	// organization, oldest first.
	UsersByEmail(ctx context.Context, email string) ([]*User, error)
	// OrgUsers lists an organization's users, oldest first.
	OrgUsers(ctx context.Context, orgID int64) ([]*User, error)
	// UpdateUser writes u's role and deactivation (u.ID in u.OrgID, else
	// not found). Deactivating deletes the user's sessions in the same
	// transaction. It returns ErrLastAdmin, and writes nothing, when the
	// change would leave an organization that had an active admin with
	// none.
	UpdateUser(ctx context.Context, u *User) error
	// InsertSession stores a session and records the sign-in on its user.
	InsertSession(ctx context.Context, s *Session) error
	Session(ctx context.Context, tokenHash []byte) (*Session, error)
	TouchSession(ctx context.Context, tokenHash []byte, at time.Time) error
	DeleteSession(ctx context.Context, tokenHash []byte) error
	// PruneSessions deletes the sessions last seen at or before idleBefore
	// or created at or before createdBefore (SessionLive's bounds), and
	// returns how many it deleted.
	PruneSessions(ctx context.Context, idleBefore, createdBefore time.Time) (int, error)
}

// ErrLastAdmin refuses to demote or deactivate an organization's last
// active admin: no one could then manage its users, keys or webhooks.
var ErrLastAdmin = Errorf(ECONFLICT, "this is the organization's last active admin: make another user admin first")

// UserInput creates a user.
type UserInput struct {
	Email    string
	Role     string // default viewer
	Password string
	StaffID  *int64
}

func (s *Service) users() (UserStore, error) {
	us, ok := s.Store.(UserStore)
	if !ok {
		return nil, Errorf(EINTERNAL, "this storage engine keeps no console users")
	}
	return us, nil
}

// CreateUser adds a console user to an organization.
func (s *Service) CreateUser(ctx context.Context, orgID int64, in UserInput) (*User, error) {
	us, err := s.users()
	if err != nil {
		return nil, err
	}
	email := strings.ToLower(strings.TrimSpace(in.Email))
	if a, err := mail.ParseAddress(email); err != nil || a.Address != email {
		return nil, Errorf(EINVALID, "email %q is not an email address", in.Email)
	}
	if in.Role == "" {
		in.Role = RoleViewer
	}
	if in.Role != RoleAdmin && in.Role != RoleManager && in.Role != RoleViewer {
		return nil, Errorf(EINVALID, "role %q: want admin, manager or viewer", in.Role)
	}
	if len(in.Password) < MinPasswordLen {
		return nil, Errorf(EINVALID, "password: at least %d characters", MinPasswordLen)
	}
	// The organization and the staff record must exist, in this organization.
	if _, err := view(ctx, s, orgID, func(tx Tx) (*Organization, error) {
		if in.StaffID != nil {
			if _, err := tx.Staff(ctx, *in.StaffID); err != nil {
				return nil, err
			}
		}
		return tx.Organization(ctx)
	}); err != nil {
		return nil, err
	}
	u := &User{OrgID: orgID, Email: email, Role: in.Role, PasswordHash: HashPassword(in.Password), StaffID: in.StaffID, CreatedAt: s.now()}
	if err := us.InsertUser(ctx, u); err != nil {
		if e, ok := err.(*Error); ok && e.Code == ECONFLICT {
			return nil, Errorf(ECONFLICT, "a user with email %s already exists in organization %d", email, orgID)
		}
		return nil, fmt.Errorf("create user: %w", err)
	}
	if err := s.auditUser(ctx, u, nil, userAudit(u)); err != nil {
		return nil, err
	}
	return u, nil
}

// errSignIn is the one answer to a failed sign-in: an unknown email and a
// wrong password read the same, so that emails cannot be probed.
var errSignIn = Errorf(EUNAUTHORIZED, "email or password is incorrect")

// dummyHash is checked against when no user has the email, so that an
// unknown email costs as long as a wrong password.
var dummyHash = sync.OnceValue(func() string { return HashPassword("porter-dummy-password") })

// Authenticate finds the user with this email and password. An email held
// in several organizations signs in to the oldest whose password matches.
func (s *Service) Authenticate(ctx context.Context, email, password string) (*User, error) {
	us, err := s.users()
	if err != nil {
		return nil, err
	}
	users, err := us.UsersByEmail(ctx, strings.ToLower(strings.TrimSpace(email)))
	if err != nil {
		return nil, fmt.Errorf("sign in: %w", err)
	}
	if len(users) == 0 {
		CheckPassword(dummyHash(), password)
		return nil, errSignIn
	}
	for _, u := range users {
		// A deactivated user's password is still checked, so that the
		// answer takes as long and reads the same as a wrong password.
		if CheckPassword(u.PasswordHash, password) && u.Active() {
			return u, nil
		}
	}
	return nil, errSignIn
}

// StartSession signs u in and returns the session's token, for a cookie.
func (s *Service) StartSession(ctx context.Context, u *User) (string, error) {
	us, err := s.users()
	if err != nil {
		return "", err
	}
	b := make([]byte, 32)
	rand.Read(b)
	token := base64.RawURLEncoding.EncodeToString(b)
	now := s.now()
	if err := us.InsertSession(ctx, &Session{TokenHash: tokenHash(token), UserID: u.ID, CreatedAt: now, LastSeenAt: now}); err != nil {
		return "", fmt.Errorf("start session: %w", err)
	}
	return token, nil
}

// SessionUser is the user a session token signs in, if the session lives:
// not ended, used within SessionIdle and younger than SessionMax.
func (s *Service) SessionUser(ctx context.Context, token string) (*User, error) {
	us, err := s.users()
	if err != nil {
		return nil, err
	}
	if token == "" {
		return nil, Errorf(EUNAUTHORIZED, "not signed in")
	}
	h := tokenHash(token)
	sess, err := us.Session(ctx, h)
	if err != nil {
		return nil, Errorf(EUNAUTHORIZED, "not signed in")
	}
	now := s.now()
	if !SessionLive(sess, now) {
		us.DeleteSession(ctx, h)
		return nil, Errorf(EUNAUTHORIZED, "your session has expired; sign in again")
	}
	if now.Sub(sess.LastSeenAt) >= sessionTouchEvery {
		if err := us.TouchSession(ctx, h, now); err != nil {
			return nil, fmt.Errorf("touch session: %w", err)
		}
	}
	u, err := us.User(ctx, sess.UserID)
	if err != nil || !u.Active() {
		// Deactivation deletes sessions; this covers one that raced it.
		us.DeleteSession(ctx, h)
		return nil, Errorf(EUNAUTHORIZED, "not signed in")
	}
	return u, nil
}

// SessionLive reports whether a session may still be used at now.
func SessionLive(sess *Session, now time.Time) bool {
	return now.Sub(sess.LastSeenAt) < SessionIdle && now.Sub(sess.CreatedAt) < SessionMax
}

// EndSession signs a session out; an unknown token is no error.
func (s *Service) EndSession(ctx context.Context, token string) error {
	us, err := s.users()
	if err != nil {
		return err
	}
	return us.DeleteSession(ctx, tokenHash(token))
}

func tokenHash(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// argon2id parameters: RFC 9106's second recommended option (64 MiB, 3 passes).
var (
	argonTime    uint32 = 3
	argonMemory  uint32 = 64 * 1024
	argonThreads uint8  = 2
)

const argonKeyLen = 32

// LightPasswordHashing makes HashPassword cheap (1 pass over 64 KiB), for
// test suites that create many users: under the race detector a real hash
// takes about half a second. CheckPassword reads the parameters from each
// hash, so both kinds verify. Never call it in a server.
func LightPasswordHashing() {
	argonTime, argonMemory, argonThreads = 1, 64, 1
}

// HashPassword hashes a password with argon2id and a random salt, as a
// PHC string that carries its parameters.
func HashPassword(password string) string {
	salt := make([]byte, 16)
	rand.Read(salt)
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
}

// CheckPassword reports whether password matches a HashPassword string,
// comparing in constant time.
func CheckPassword(hash, password string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var version int
	var memory, iterations uint32
	var threads uint8
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &memory, &iterations, &threads); err != nil {
		return false
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil {
		return false
	}
	want, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil || len(want) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, iterations, memory, threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// NewPassword makes a random password for a user created without one.
func NewPassword() string {
	b := make([]byte, 15)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
