package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"porter"
)

var _ porter.UserStore = (*DB)(nil)

const (
	qInsertUser    = `INSERT INTO users (org_id, email, role, password_hash, staff_id, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`
	userCols       = `id, org_id, email, role, password_hash, staff_id, created_at, last_sign_in_at, deactivated_at`
	qOrgUsers      = `SELECT ` + userCols + ` FROM users WHERE org_id = $1 ORDER BY id`
	qUserForUpdate = `SELECT ` + userCols + ` FROM users WHERE id = $1 AND org_id = $2 FOR UPDATE`
	qUpdateUser    = `UPDATE users SET role = $1, deactivated_at = $2 WHERE id = $3 AND org_id = $4`
	qUserSignedIn  = `UPDATE users SET last_sign_in_at = $1 WHERE id = $2`
	qActiveAdmins  = `SELECT count(*) FROM users WHERE org_id = $1 AND role = 'admin' AND deactivated_at IS NULL`
	qLockOrgUsers  = `SELECT id FROM organizations WHERE id = $1 FOR UPDATE`
	qUserSessions  = `DELETE FROM sessions WHERE user_id = $1`
	qPruneSessions = `DELETE FROM sessions WHERE last_seen_at <= $1 OR created_at <= $2`
	qUser          = `SELECT ` + userCols + ` FROM users WHERE id = $1`
	qUsersByEmail  = `SELECT ` + userCols + ` FROM users WHERE email = $1 ORDER BY id`
	qInsertSession = `INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at) VALUES ($1, $2, $3, $4)`
	qSession       = `SELECT token_hash, user_id, created_at, last_seen_at FROM sessions WHERE token_hash = $1`
	qTouchSession  = `UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2`
	qDeleteSession = `DELETE FROM sessions WHERE token_hash = $1`
)

// InsertUser stores u and sets its ID.
func (d *DB) InsertUser(ctx context.Context, u *porter.User) error {
	err := d.pool.QueryRow(ctx, qInsertUser, u.OrgID, u.Email, u.Role, u.PasswordHash, u.StaffID, micro(u.CreatedAt)).Scan(&u.ID)
	return conflict(err)
}

func scanUser(sc pgx.Row) (*porter.User, error) {
	var u porter.User
	if err := sc.Scan(&u.ID, &u.OrgID, &u.Email, &u.Role, &u.PasswordHash, &u.StaffID, &u.CreatedAt, &u.LastSignInAt, &u.DeactivatedAt); err != nil {
		return nil, err
	}
	u.CreatedAt = u.CreatedAt.UTC()
	for _, t := range []*time.Time{u.LastSignInAt, u.DeactivatedAt} {
		if t != nil {
			*t = t.UTC()
		}
	}
	return &u, nil
}

// User finds a user by id, in any organization.
func (d *DB) User(ctx context.Context, id int64) (*porter.User, error) {
	u, err := scanUser(d.pool.QueryRow(ctx, qUser, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, porter.NotFound("user", id)
	} else if err != nil {
		return nil, fmt.Errorf("user: %w", err)
	}
	return u, nil
}

// UsersByEmail finds the users with an email, in any organization.
func (d *DB) UsersByEmail(ctx context.Context, email string) ([]*porter.User, error) {
	return d.queryUsers(ctx, qUsersByEmail, email)
}

// OrgUsers lists an organization's users, oldest first.
func (d *DB) OrgUsers(ctx context.Context, orgID int64) ([]*porter.User, error) {
	return d.queryUsers(ctx, qOrgUsers, orgID)
}

func (d *DB) queryUsers(ctx context.Context, q string, arg any) ([]*porter.User, error) {
	rows, err := d.pool.Query(ctx, q, arg)
	if err != nil {
		return nil, fmt.Errorf("users: %w", err)
	}
	defer rows.Close()
	var out []*porter.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("users: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// UpdateUser writes u's role and deactivation; see porter.UserStore. The
// organization's row is locked first, so that two admins demoting each
// other at once cannot both pass the last-admin check.
func (d *DB) UpdateUser(ctx context.Context, u *porter.User) error {
	t, err := d.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer t.Rollback(context.WithoutCancel(ctx))
	var org int64
	if err := t.QueryRow(ctx, qLockOrgUsers, u.OrgID).Scan(&org); errors.Is(err, pgx.ErrNoRows) {
		return porter.NotFound("user", u.ID)
	} else if err != nil {
		return err
	}
	old, err := scanUser(t.QueryRow(ctx, qUserForUpdate, u.ID, u.OrgID))
	if errors.Is(err, pgx.ErrNoRows) {
		return porter.NotFound("user", u.ID)
	} else if err != nil {
		return err
	}
	var deactivated *time.Time
	if u.DeactivatedAt != nil {
		t := micro(*u.DeactivatedAt)
		deactivated = &t
	}
	if _, err := t.Exec(ctx, qUpdateUser, u.Role, deactivated, u.ID, u.OrgID); err != nil {
		return err
	}
	if u.DeactivatedAt != nil {
		if _, err := t.Exec(ctx, qUserSessions, u.ID); err != nil {
			return err
		}
	}
	if old.Role == porter.RoleAdmin && old.Active() && (u.Role != porter.RoleAdmin || !u.Active()) {
		var n int
		if err := t.QueryRow(ctx, qActiveAdmins, u.OrgID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return porter.ErrLastAdmin
		}
	}
	return t.Commit(ctx)
}

// InsertSession stores a session and records the sign-in on its user.
func (d *DB) InsertSession(ctx context.Context, s *porter.Session) error {
	t, err := d.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer t.Rollback(context.WithoutCancel(ctx))
	if _, err := t.Exec(ctx, qInsertSession, s.TokenHash, s.UserID, micro(s.CreatedAt), micro(s.LastSeenAt)); err != nil {
		return err
	}
	if _, err := t.Exec(ctx, qUserSignedIn, micro(s.CreatedAt), s.UserID); err != nil {
		return err
	}
	return t.Commit(ctx)
}

// PruneSessions deletes expired sessions.
func (d *DB) PruneSessions(ctx context.Context, idleBefore, createdBefore time.Time) (int, error) {
	tag, err := d.pool.Exec(ctx, qPruneSessions, micro(idleBefore), micro(createdBefore))
	if err != nil {
		return 0, err
	}
	return int(tag.RowsAffected()), nil
}

// Session finds a session by its token's hash.
func (d *DB) Session(ctx context.Context, tokenHash []byte) (*porter.Session, error) {
	var s porter.Session
	err := d.pool.QueryRow(ctx, qSession, tokenHash).Scan(&s.TokenHash, &s.UserID, &s.CreatedAt, &s.LastSeenAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, porter.Errorf(porter.ENOTFOUND, "session not found")
	} else if err != nil {
		return nil, fmt.Errorf("session: %w", err)
	}
	s.CreatedAt, s.LastSeenAt = s.CreatedAt.UTC(), s.LastSeenAt.UTC()
	return &s, nil
}

// TouchSession records that a session was used.
func (d *DB) TouchSession(ctx context.Context, tokenHash []byte, at time.Time) error {
	_, err := d.pool.Exec(ctx, qTouchSession, micro(at), tokenHash)
	return err
}

// DeleteSession ends a session.
func (d *DB) DeleteSession(ctx context.Context, tokenHash []byte) error {
	_, err := d.pool.Exec(ctx, qDeleteSession, tokenHash)
	return err
}
