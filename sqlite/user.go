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
	userCols       = `id, org_id, email, role, password_hash, staff_id, created_at`
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
	if err := sc.Scan(&u.ID, &u.OrgID, &u.Email, &u.Role, &u.PasswordHash, &staff, &created); err != nil {
		return nil, err
	}
	if staff.Valid {
		u.StaffID = &staff.Int64
	}
	u.CreatedAt = pts(created)
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
	rows, err := d.read.QueryContext(ctx, qUsersByEmail, email)
	if err != nil {
		return nil, fmt.Errorf("users by email: %w", err)
	}
	defer rows.Close()
	var out []*porter.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("users by email: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// InsertSession stores a session.
func (d *DB) InsertSession(ctx context.Context, s *porter.Session) error {
	_, err := d.write.ExecContext(ctx, qInsertSession, s.TokenHash, s.UserID, ts(s.CreatedAt), ts(s.LastSeenAt))
	return err
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
