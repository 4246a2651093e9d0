package sqlite

import (
	"context"
	"fmt"

	"porter"
	"porter/sqlite/internal/db"
)

func (t *tx) InsertCharge(ctx context.Context, c *porter.Charge) error {
	id, err := t.q.InsertCharge(ctx, db.InsertChargeParams{
		OrgID: t.orgID, TenantID: c.TenantID, LeaseID: nullID(c.LeaseID), Amount: int64(c.Amount),
		Balance: int64(c.Balance), Description: c.Description, DueDate: c.DueDate, Category: c.Category,
		Status: c.Status, CreatedAt: ts(c.CreatedAt), UpdatedAt: ts(c.UpdatedAt), PaidAt: nts(c.PaidAt),
		VoidedAt: nts(c.VoidedAt),
	})
	if err != nil {
		return fmt.Errorf("insert charge: %w", err)
	}
	c.ID = id
	return nil
}

func (t *tx) Charge(ctx context.Context, id int64) (*porter.Charge, error) {
	r, err := t.q.GetCharge(ctx, db.GetChargeParams{OrgID: t.orgID, ID: id})
	if err != nil {
		return nil, notFound(err, "charge", id)
	}
	return charge(r), nil
}

// ChargeForUpdate needs no lock: SQLite write transactions are immediate,
// so a writer already has the database to itself.
func (t *tx) ChargeForUpdate(ctx context.Context, id int64) (*porter.Charge, error) {
	return t.Charge(ctx, id)
}

func (t *tx) OpenCharges(ctx context.Context, tenantID int64) ([]*porter.Charge, error) {
	rows, err := t.q.OpenCharges(ctx, db.OpenChargesParams{OrgID: t.orgID, TenantID: tenantID})
	if err != nil {
		return nil, fmt.Errorf("open charges of tenant %d: %w", tenantID, err)
	}
	out := make([]*porter.Charge, len(rows))
	for i, r := range rows {
		out[i] = charge(r)
	}
	return out, nil
}

func (t *tx) UpdateCharge(ctx context.Context, c *porter.Charge) error {
	n, err := t.q.UpdateCharge(ctx, db.UpdateChargeParams{
		OrgID: t.orgID, ID: c.ID, Description: c.Description, DueDate: c.DueDate, Category: c.Category,
		Balance: int64(c.Balance), Status: c.Status, UpdatedAt: ts(c.UpdatedAt), PaidAt: nts(c.PaidAt),
		VoidedAt: nts(c.VoidedAt),
	})
	return affected(n, err, "charge", c.ID)
}

func (t *tx) Charges(ctx context.Context, f porter.ChargeFilter) (porter.List[*porter.Charge], error) {
	rows, err := t.q.ListCharges(ctx, db.ListChargesParams{
		OrgID: t.orgID, TenantID: f.TenantID, LeaseID: f.LeaseID, Status: f.Status, Category: f.Category, OverdueOn: f.OverdueOn,
		UpdatedSince: since(f.UpdatedSince), Lim: int64(f.Limit()), BelowID: f.Below(), Off: int64(f.Offset()),
	})
	if err != nil {
		return porter.List[*porter.Charge]{}, fmt.Errorf("list charges: %w", err)
	}
	var out porter.List[*porter.Charge]
	for _, r := range rows {
		out.Items = append(out.Items, charge(r.Charge))
		out.Total = int(r.Total)
	}
	return out, nil
}

func charge(r db.Charge) *porter.Charge {
	return &porter.Charge{
		ID: r.ID, TenantID: r.TenantID, LeaseID: pnullID(r.LeaseID), Amount: porter.Money(r.Amount),
		Balance: porter.Money(r.Balance), Description: r.Description, DueDate: r.DueDate, Category: r.Category,
		Status: r.Status, CreatedAt: pts(r.CreatedAt), UpdatedAt: pts(r.UpdatedAt), PaidAt: pnts(r.PaidAt),
		VoidedAt: pnts(r.VoidedAt),
	}
}
