package porter

import (
	"context"
	"fmt"
	"time"
)

// Console users live outside an organization's transactions (sign-in comes
// before the organization is known), so their changes are audited in a
// transaction of their own, right after the change. The Service functions
// that change a user call auditUser; an action listed in CriticalActions
// (user.change_role, user.deactivate) fires audit.critical_event as well.
func (s *Service) auditUser(ctx context.Context, u *User, before, after any) error {
	_, err := update(ctx, s, u.OrgID, func(tx Tx, now time.Time) (struct{}, error) {
		audited(tx, "user", u.ID, before, after)
		return struct{}{}, nil
	})
	if err != nil {
		return fmt.Errorf("audit user %d: %w", u.ID, err)
	}
	return nil
}

// userAudit is what the audit log shows of a user: never the password hash.
func userAudit(u *User) map[string]any {
	m := map[string]any{"id": u.ID, "email": u.Email, "role": u.Role, "staff_id": u.StaffID, "created_at": NewTime(u.CreatedAt), "deactivated_at": nil}
	if u.DeactivatedAt != nil {
		m["deactivated_at"] = NewTime(*u.DeactivatedAt)
	}
	return m
}

// SignInBurst records that failed sign-ins to a console account tripped the
// console's limit: an audit entry and audit.critical_event in each
// organization the email belongs to, naming the account and the client
// address, never a password. An email no user has is only logged.
func (s *Service) SignInBurst(ctx context.Context, email, addr string, failures int, window time.Duration) error {
	us, err := s.users()
	if err != nil {
		return err
	}
	users, err := us.UsersByEmail(ctx, email)
	if err != nil {
		return fmt.Errorf("sign-in burst: %w", err)
	}
	if len(users) == 0 {
		s.Logger.Warn("failed sign-in burst for an unknown account", "email", email, "addr", addr, "failures", failures)
		return nil
	}
	actor := ActorFrom(ctx)
	actor.Type, actor.ID, actor.Label, actor.IP = ActorSystem, 0, "console sign-in limiter", addr
	ctx = WithActor(ctx, actor)
	for _, u := range users {
		after := map[string]any{"email": u.Email, "failed_sign_ins": failures, "window": window.String(), "address": addr}
		if err := s.auditUser(ctx, u, nil, after); err != nil {
			return err
		}
	}
	return nil
}
