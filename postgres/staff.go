package postgres

import (
	"context"
	"fmt"

	"porter"
	"porter/postgres/internal/db"
)

func (t *tx) InsertStaff(ctx context.Context, m *porter.Staff) error {
	id, err := t.q.InsertStaff(ctx, db.InsertStaffParams{
		OrgID: t.orgID, Name: m.Name, Email: m.Email, Phone: m.Phone, Role: m.Role,
		CreatedAt: m.CreatedAt, UpdatedAt: m.UpdatedAt,
	})
	if err != nil {
		return fmt.Errorf("insert staff: %w", err)
	}
	m.ID = id
	return nil
}

func (t *tx) Staff(ctx context.Context, id int64) (*porter.Staff, error) {
	r, err := t.q.GetStaff(ctx, db.GetStaffParams{OrgID: t.orgID, ID: id})
	if err != nil {
		return nil, notFound(err, "staff member", id)
	}
	return staff(r), nil
}

func (t *tx) StaffForUpdate(ctx context.Context, id int64) (*porter.Staff, error) {
	r, err := t.q.GetStaffForUpdate(ctx, db.GetStaffForUpdateParams{OrgID: t.orgID, ID: id})
	if err != nil {
		return nil, notFound(err, "staff member", id)
	}
	return staff(r), nil
}

func (t *tx) UpdateStaff(ctx context.Context, m *porter.Staff) error {
	n, err := t.q.UpdateStaff(ctx, db.UpdateStaffParams{
		OrgID: t.orgID, ID: m.ID, Name: m.Name, Email: m.Email, Phone: m.Phone, Role: m.Role, UpdatedAt: m.UpdatedAt,
	})
	return affected(n, err, "staff member", m.ID)
}

func (t *tx) StaffList(ctx context.Context, f porter.StaffFilter) (porter.List[*porter.Staff], error) {
	rows, err := t.q.ListStaff(ctx, db.ListStaffParams{
		OrgID: t.orgID, Role: f.Role, UpdatedSince: since(f.UpdatedSince), Lim: int32(f.Limit()), BelowID: f.Below(), Off: int32(f.Offset()),
	})
	if err != nil {
		return porter.List[*porter.Staff]{}, fmt.Errorf("list staff: %w", err)
	}
	var out porter.List[*porter.Staff]
	for _, r := range rows {
		out.Items = append(out.Items, staff(r.Staff))
		out.Total = int(r.Total)
	}
	return out, nil
}

func staff(r db.Staff) *porter.Staff {
	return &porter.Staff{
		ID: r.ID, Name: r.Name, Email: r.Email, Phone: r.Phone, Role: r.Role,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
	}
}
