package porter

import (
	"context"
	"fmt"
	"log/slog"
	"reflect"
	"time"
)

// Users lists an organization's console users, oldest first.
func (s *Service) Users(ctx context.Context, orgID int64) ([]*User, error) {
	us, err := s.users()
	if err != nil {
		return nil, err
	}
	users, err := us.OrgUsers(ctx, orgID)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	return users, nil
}

// OrgUser finds a user of an organization; another organization's user
// is not found.
func (s *Service) OrgUser(ctx context.Context, orgID, id int64) (*User, error) {
	us, err := s.users()
	if err != nil {
		return nil, err
	}
	u, err := us.User(ctx, id)
	if err != nil {
		return nil, err
	}
	if u.OrgID != orgID {
		return nil, NotFound("user", id)
	}
	return u, nil
}

// SetUserRole changes a user's role. The last active admin keeps theirs
// (ErrLastAdmin).
func (s *Service) SetUserRole(ctx context.Context, orgID, id int64, role string) (*User, error) {
	if !validRole(role) {
		return nil, Errorf(EINVALID, "role %q: want admin, manager or viewer", role)
	}
	return s.changeUser(ctx, orgID, id, func(u *User) { u.Role = role })
}

// DeactivateUser ends a user's sessions at once and refuses their
// sign-ins until reactivated. The last active admin cannot be
// deactivated (ErrLastAdmin). Deactivating twice is no error.
func (s *Service) DeactivateUser(ctx context.Context, orgID, id int64) (*User, error) {
	now := s.now()
	return s.changeUser(ctx, orgID, id, func(u *User) {
		if u.DeactivatedAt == nil {
			u.DeactivatedAt = &now
		}
	})
}

// ReactivateUser lets a deactivated user sign in again, with the password
// they had.
func (s *Service) ReactivateUser(ctx context.Context, orgID, id int64) (*User, error) {
	return s.changeUser(ctx, orgID, id, func(u *User) { u.DeactivatedAt = nil })
}

func (s *Service) changeUser(ctx context.Context, orgID, id int64, change func(*User)) (*User, error) {
	us, err := s.users()
	if err != nil {
		return nil, err
	}
	u, err := s.OrgUser(ctx, orgID, id)
	if err != nil {
		return nil, err
	}
	before := userAudit(u)
	change(u)
	after := userAudit(u)
	if reflect.DeepEqual(before, after) {
		return u, nil // nothing changed: nothing to write or audit
	}
	if err := us.UpdateUser(ctx, u); err != nil {
		if err == ErrLastAdmin {
			return nil, err
		}
		return nil, fmt.Errorf("update user %d: %w", id, err)
	}
	// Users live outside the organization's transactions, so the audit
	// entry (user.set_role and user.deactivate also fire
	// audit.critical_event) follows in a transaction of its own.
	if err := s.auditUser(ctx, u, before, after); err != nil {
		return nil, err
	}
	return u, nil
}

func validRole(role string) bool {
	return role == RoleAdmin || role == RoleManager || role == RoleViewer
}

// PruneSessions deletes every session past its idle or absolute expiry and
// returns how many it deleted. Expired sessions already sign no one in
// (SessionUser checks); pruning keeps the table from growing.
func (s *Service) PruneSessions(ctx context.Context) (int, error) {
	us, err := s.users()
	if err != nil {
		return 0, err
	}
	now := s.now()
	n, err := us.PruneSessions(ctx, now.Add(-SessionIdle), now.Add(-SessionMax))
	if err != nil {
		return n, fmt.Errorf("prune sessions: %w", err)
	}
	return n, nil
}

// RunSessionPruner prunes expired sessions at once and then every
// interval until ctx ends. Deleting an expired session is idempotent, so
// several nodes may run it without a lock.
func (s *Service) RunSessionPruner(ctx context.Context, interval time.Duration, logger *slog.Logger) {
	if logger == nil {
		logger = slog.Default()
	}
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		if n, err := s.PruneSessions(ctx); err != nil && ctx.Err() == nil {
			logger.Warn("prune sessions", "err", err)
		} else if n > 0 {
			logger.Info("pruned expired console sessions", "deleted", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
