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
	userCols       = `id, org_id, email, role, password_hash, staff_id, created_at`
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
	if err := sc.Scan(&u.ID, &u.OrgID, &u.Email, &u.Role, &u.PasswordHash, &u.StaffID, &u.CreatedAt); err != nil {
		return nil, err
	}
	u.CreatedAt = u.CreatedAt.UTC()
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
	rows, err := d.pool.Query(ctx, qUsersByEmail, email)
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
	_, err := d.pool.Exec(ctx, qInsertSession, s.TokenHash, s.UserID, micro(s.CreatedAt), micro(s.LastSeenAt))
	return err
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
