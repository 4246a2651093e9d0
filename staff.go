package porter

import (
	"context"
	"fmt"
	"net/mail"
	"strings"
	"time"
)

// Staff is a member of the management team: a broadcast audience, and the
// people admin alerts go to.
type Staff struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Email     string    `json:"email"`
	Phone     string    `json:"phone"`
	Role      string    `json:"role"` // admin | manager | maintenance
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// StaffRoles are the allowed roles.
var StaffRoles = []string{"admin", "manager", "maintenance"}

// StaffFilter narrows a staff listing.
type StaffFilter struct {
	ListParams
	Role string
}

// StaffTx stores staff.
type StaffTx interface {
	InsertStaff(ctx context.Context, m *Staff) error
	Staff(ctx context.Context, id int64) (*Staff, error)
	// StaffForUpdate is Staff, locking the row until the transaction ends
	// where the engine has concurrent writers.
	StaffForUpdate(ctx context.Context, id int64) (*Staff, error)
	UpdateStaff(ctx context.Context, m *Staff) error
	StaffList(ctx context.Context, f StaffFilter) (List[*Staff], error)
}

// StaffInput adds a staff member; on PATCH, nil fields are left alone.
type StaffInput struct {
	Name  *string `json:"name"`
	Email *string `json:"email"`
	Phone *string `json:"phone"`
	Role  *string `json:"role"`
}

func (in StaffInput) apply(m *Staff) {
	set(&m.Name, in.Name)
	set(&m.Email, in.Email)
	set(&m.Phone, in.Phone)
	set(&m.Role, in.Role)
	m.Email = strings.ToLower(m.Email)
}

func (m *Staff) validate() error {
	var v Validation
	v.Required("name", m.Name)
	if m.Email != "" {
		if a, err := mail.ParseAddress(m.Email); err != nil || a.Address != m.Email {
			v.Add("email", "must be an email address")
		}
	}
	v.OneOf("role", m.Role, StaffRoles...)
	return v.Err()
}

// CreateStaff adds a staff member.
func (s *Service) CreateStaff(ctx context.Context, orgID int64, in StaffInput) (*Staff, error) {
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*Staff, error) {
		m := &Staff{Role: "manager", CreatedAt: now, UpdatedAt: now}
		in.apply(m)
		if err := m.validate(); err != nil {
			return nil, err
		}
		if err := tx.InsertStaff(ctx, m); err != nil {
			return nil, fmt.Errorf("create staff: %w", err)
		}
		return m, record(ctx, tx, now, "staff.created", "staff", m.ID, m, nil)
	})
}

// UpdateStaff edits a staff member.
func (s *Service) UpdateStaff(ctx context.Context, orgID, id int64, in StaffInput) (*Staff, error) {
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*Staff, error) {
		m, err := tx.StaffForUpdate(ctx, id)
		if err != nil {
			return nil, err
		}
		before := *m
		in.apply(m)
		if err := m.validate(); err != nil {
			return nil, err
		}
		if unchanged(&before, m) {
			return m, nil // an empty edit writes nothing
		}
		m.UpdatedAt = now
		if err := tx.UpdateStaff(ctx, m); err != nil {
			return nil, fmt.Errorf("update staff: %w", err)
		}
		return m, record(ctx, tx, now, "staff.updated", "staff", m.ID, m, &before)
	})
}

// Staff returns one staff member.
func (s *Service) Staff(ctx context.Context, orgID, id int64) (*Staff, error) {
	return view(ctx, s, orgID, func(tx Tx) (*Staff, error) { return tx.Staff(ctx, id) })
}

// StaffList lists staff, newest first.
func (s *Service) StaffList(ctx context.Context, orgID int64, f StaffFilter) (List[*Staff], error) {
	f.Normalize()
	if f.Role != "" {
		var v Validation
		v.OneOf("role", f.Role, StaffRoles...)
		if err := v.Err(); err != nil {
			return List[*Staff]{}, err
		}
	}
	return view(ctx, s, orgID, func(tx Tx) (List[*Staff], error) { return tx.StaffList(ctx, f) })
}
