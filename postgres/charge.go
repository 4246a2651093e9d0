package postgres

import (
	"context"
	"fmt"

	"porter"
	"porter/postgres/internal/db"
)

func (t *tx) InsertCharge(ctx context.Context, c *porter.Charge) error {
	id, err := t.q.InsertCharge(ctx, db.InsertChargeParams{
		OrgID: t.orgID, TenantID: c.TenantID, LeaseID: c.LeaseID, Amount: int64(c.Amount),
		Balance: int64(c.Balance), Description: c.Description, DueDate: c.DueDate, Category: c.Category,
		Status: c.Status, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt, PaidAt: c.PaidAt,
		VoidedAt: c.VoidedAt,
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

// ChargeForUpdate locks the row until the transaction ends: PostgreSQL
// runs writers side by side, and a payment must not read a balance another
// is about to change.
func (t *tx) ChargeForUpdate(ctx context.Context, id int64) (*porter.Charge, error) {
	r, err := t.q.LockCharge(ctx, db.LockChargeParams{OrgID: t.orgID, ID: id})
	if err != nil {
		return nil, notFound(err, "charge", id)
	}
	return charge(r), nil
}

// OpenCharges locks the tenant's unpaid charges, in the order payments
// apply to them, so that concurrent payments for one tenant queue here.
func (t *tx) OpenCharges(ctx context.Context, tenantID int64) ([]*porter.Charge, error) {
	rows, err := t.q.LockOpenCharges(ctx, db.LockOpenChargesParams{OrgID: t.orgID, TenantID: tenantID})
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
		Balance: int64(c.Balance), Status: c.Status, UpdatedAt: c.UpdatedAt, PaidAt: c.PaidAt,
		VoidedAt: c.VoidedAt,
	})
	return affected(n, err, "charge", c.ID)
}

func (t *tx) Charges(ctx context.Context, f porter.ChargeFilter) (porter.List[*porter.Charge], error) {
	rows, err := t.q.ListCharges(ctx, db.ListChargesParams{
		OrgID: t.orgID, TenantID: f.TenantID, LeaseID: f.LeaseID, Status: f.Status, Category: f.Category, OverdueOn: f.OverdueOn,
		UpdatedSince: since(f.UpdatedSince), Lim: int32(f.Limit()), BelowID: f.Below(), Off: int32(f.Offset()),
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
		ID: r.ID, TenantID: r.TenantID, LeaseID: r.LeaseID, Amount: porter.Money(r.Amount),
		Balance: porter.Money(r.Balance), Description: r.Description, DueDate: r.DueDate, Category: r.Category,
		Status: r.Status, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, PaidAt: r.PaidAt,
		VoidedAt: r.VoidedAt,
	}
}
