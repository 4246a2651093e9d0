package sqlite

import (
	"context"
	"fmt"

	"porter"
	"porter/sqlite/internal/db"
)

func (t *tx) InsertTenant(ctx context.Context, v *porter.Tenant) error {
	id, err := t.q.InsertTenant(ctx, db.InsertTenantParams{
		OrgID: t.orgID, Email: v.Email, FirstName: v.FirstName, LastName: v.LastName, Phone: v.Phone,
		Status: v.Status, InviteTokenHash: v.InviteTokenHash, PasswordHash: v.PasswordHash,
		CreatedAt: ts(v.CreatedAt), UpdatedAt: ts(v.UpdatedAt), ActivatedAt: nts(v.ActivatedAt),
	})
	if err != nil {
		return conflict(fmt.Errorf("insert tenant: %w", err))
	}
	v.ID = id
	return nil
}

func (t *tx) Tenant(ctx context.Context, id int64) (*porter.Tenant, error) {
	r, err := t.q.GetTenant(ctx, db.GetTenantParams{OrgID: t.orgID, ID: id})
	if err != nil {
		return nil, notFound(err, "tenant", id)
	}
	return tenant(r), nil
}

// TenantForUpdate needs no lock: SQLite has one writer at a time.
func (t *tx) TenantForUpdate(ctx context.Context, id int64) (*porter.Tenant, error) {
	return t.Tenant(ctx, id)
}

func (t *tx) UpdateTenant(ctx context.Context, v *porter.Tenant) error {
	n, err := t.q.UpdateTenant(ctx, db.UpdateTenantParams{
		OrgID: t.orgID, ID: v.ID, Email: v.Email, FirstName: v.FirstName, LastName: v.LastName, Phone: v.Phone,
		Status: v.Status, InviteTokenHash: v.InviteTokenHash, PasswordHash: v.PasswordHash,
		UpdatedAt: ts(v.UpdatedAt), ActivatedAt: nts(v.ActivatedAt),
	})
	return affected(n, err, "tenant", v.ID)
}

func (t *tx) Tenants(ctx context.Context, f porter.TenantFilter) (porter.List[*porter.Tenant], error) {
	rows, err := t.q.ListTenants(ctx, db.ListTenantsParams{
		OrgID: t.orgID, Status: f.Status, Email: f.Email, Search: f.SearchPattern(), UpdatedSince: since(f.UpdatedSince),
		Lim: int64(f.Limit()), BelowID: f.Below(), Off: int64(f.Offset()),
	})
	if err != nil {
		return porter.List[*porter.Tenant]{}, fmt.Errorf("list tenants: %w", err)
	}
	var out porter.List[*porter.Tenant]
	for _, r := range rows {
		out.Items = append(out.Items, tenant(r.Tenant))
		out.Total = int(r.Total)
	}
	return out, nil
}

func tenant(r db.Tenant) *porter.Tenant {
	return &porter.Tenant{
		ID: r.ID, Email: r.Email, FirstName: r.FirstName, LastName: r.LastName, Phone: r.Phone, Role: "tenant",
		Status: r.Status, InviteTokenHash: r.InviteTokenHash, PasswordHash: r.PasswordHash,
		CreatedAt: pts(r.CreatedAt), UpdatedAt: pts(r.UpdatedAt), ActivatedAt: pnts(r.ActivatedAt),
	}
}
