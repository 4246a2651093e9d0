package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"porter"
)

var _ porter.UserStore = (*DB)(nil)

// Console users and sessions are read once a page and written at sign-in:
// their statements are not worth preparing ahead.
const (
	qInsertUser    = `INSERT INTO users (org_id, email, role, password_hash, staff_id, created_at) VALUES (?, ?, ?, ?, ?, ?)`
	userCols       = `id, org_id, email, role, password_hash, staff_id, created_at, last_sign_in_at, deactivated_at`
	qOrgUsers      = `SELECT ` + userCols + ` FROM users WHERE org_id = ? ORDER BY id`
	qUpdateUser    = `UPDATE users SET role = ?, deactivated_at = ? WHERE id = ? AND org_id = ?`
	qUserSignedIn  = `UPDATE users SET last_sign_in_at = ? WHERE id = ?`
	qActiveAdmins  = `SELECT count(*) FROM users WHERE org_id = ? AND role = 'admin' AND deactivated_at IS NULL`
	qUserSessions  = `DELETE FROM sessions WHERE user_id = ?`
	qPruneSessions = `DELETE FROM sessions WHERE last_seen_at <= ? OR created_at <= ?`
	qUser          = `SELECT ` + userCols + ` FROM users WHERE id = ?`
	qUsersByEmail  = `SELECT ` + userCols + ` FROM users WHERE email = ? ORDER BY id`
	qInsertSession = `INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at) VALUES (?, ?, ?, ?)`
	qSession       = `SELECT token_hash, user_id, created_at, last_seen_at FROM sessions WHERE token_hash = ?`
	qTouchSession  = `UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?`
	qDeleteSession = `DELETE FROM sessions WHERE token_hash = ?`
)

// InsertUser stores u and sets its ID.
func (d *DB) InsertUser(ctx context.Context, u *porter.User) error {
	var staff sql.NullInt64
	if u.StaffID != nil {
		staff = sql.NullInt64{Int64: *u.StaffID, Valid: true}
	}
	res, err := d.write.ExecContext(ctx, qInsertUser, u.OrgID, u.Email, u.Role, u.PasswordHash, staff, ts(u.CreatedAt))
	if err != nil {
		return conflict(err)
	}
	u.ID, err = res.LastInsertId()
	return err
}

func scanUser(sc interface{ Scan(...any) error }) (*porter.User, error) {
	var u porter.User
	var staff sql.NullInt64
	var created string
	var signedIn, deactivated sql.NullString
	if err := sc.Scan(&u.ID, &u.OrgID, &u.Email, &u.Role, &u.PasswordHash, &staff, &created, &signedIn, &deactivated); err != nil {
		return nil, err
	}
	if staff.Valid {
		u.StaffID = &staff.Int64
	}
	u.CreatedAt, u.LastSignInAt, u.DeactivatedAt = pts(created), pnts(signedIn), pnts(deactivated)
	return &u, nil
}

// User finds a user by id, in any organization.
func (d *DB) User(ctx context.Context, id int64) (*porter.User, error) {
	u, err := scanUser(d.read.QueryRowContext(ctx, qUser, id))
	if errors.Is(err, sql.ErrNoRows) {
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
	rows, err := d.read.QueryContext(ctx, q, arg)
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
// one write connection serializes it with every other write, so the
// last-admin check cannot race another change.
func (d *DB) UpdateUser(ctx context.Context, u *porter.User) error {
	t, err := d.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer t.Rollback()
	old, err := scanUser(t.QueryRowContext(ctx, qUser, u.ID))
	if errors.Is(err, sql.ErrNoRows) || (err == nil && old.OrgID != u.OrgID) {
		return porter.NotFound("user", u.ID)
	} else if err != nil {
		return err
	}
	if _, err := t.ExecContext(ctx, qUpdateUser, u.Role, nts(u.DeactivatedAt), u.ID, u.OrgID); err != nil {
		return err
	}
	if u.DeactivatedAt != nil {
		if _, err := t.ExecContext(ctx, qUserSessions, u.ID); err != nil {
			return err
		}
	}
	if old.Role == porter.RoleAdmin && old.Active() && (u.Role != porter.RoleAdmin || !u.Active()) {
		var n int
		if err := t.QueryRowContext(ctx, qActiveAdmins, u.OrgID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return porter.ErrLastAdmin
		}
	}
	return t.Commit()
}

// InsertSession stores a session and records the sign-in on its user.
func (d *DB) InsertSession(ctx context.Context, s *porter.Session) error {
	t, err := d.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer t.Rollback()
	if _, err := t.ExecContext(ctx, qInsertSession, s.TokenHash, s.UserID, ts(s.CreatedAt), ts(s.LastSeenAt)); err != nil {
		return err
	}
	if _, err := t.ExecContext(ctx, qUserSignedIn, ts(s.CreatedAt), s.UserID); err != nil {
		return err
	}
	return t.Commit()
}

// PruneSessions deletes expired sessions.
func (d *DB) PruneSessions(ctx context.Context, idleBefore, createdBefore time.Time) (int, error) {
	res, err := d.write.ExecContext(ctx, qPruneSessions, ts(idleBefore), ts(createdBefore))
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// Session finds a session by its token's hash.
func (d *DB) Session(ctx context.Context, tokenHash []byte) (*porter.Session, error) {
	var s porter.Session
	var created, seen string
	err := d.read.QueryRowContext(ctx, qSession, tokenHash).Scan(&s.TokenHash, &s.UserID, &created, &seen)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, porter.Errorf(porter.ENOTFOUND, "session not found")
	} else if err != nil {
		return nil, fmt.Errorf("session: %w", err)
	}
	s.CreatedAt, s.LastSeenAt = pts(created), pts(seen)
	return &s, nil
}

// TouchSession records that a session was used.
func (d *DB) TouchSession(ctx context.Context, tokenHash []byte, at time.Time) error {
	_, err := d.write.ExecContext(ctx, qTouchSession, ts(at), tokenHash)
	return err
}

// DeleteSession ends a session.
func (d *DB) DeleteSession(ctx context.Context, tokenHash []byte) error {
	_, err := d.write.ExecContext(ctx, qDeleteSession, tokenHash)
	return err
}
