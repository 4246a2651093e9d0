package sqlite

import (
	"context"
	"fmt"

	"porter"
	"porter/sqlite/internal/db"
)

func (t *tx) InsertPayment(ctx context.Context, p *porter.Payment) error {
	id, err := t.q.InsertPayment(ctx, db.InsertPaymentParams{
		OrgID: t.orgID, TenantID: p.TenantID, ChargeID: nullID(p.ChargeID), Amount: int64(p.Amount),
		Method: p.Method, Reference: p.Reference, Notes: p.Notes, Status: p.Status, Error: deref(p.Error),
		UnappliedAmount: int64(p.UnappliedAmount), CreatedAt: ts(p.CreatedAt),
	})
	if err != nil {
		return fmt.Errorf("insert payment: %w", err)
	}
	p.ID = id
	for i, a := range p.Allocations {
		if err := t.q.InsertPaymentAllocation(ctx, db.InsertPaymentAllocationParams{
			OrgID: t.orgID, PaymentID: id, ChargeID: a.ChargeID, Position: int64(i), Amount: int64(a.Amount),
		}); err != nil {
			return fmt.Errorf("insert payment %d allocation: %w", id, err)
		}
	}
	return nil
}

func (t *tx) Payment(ctx context.Context, id int64) (*porter.Payment, error) {
	r, err := t.q.GetPayment(ctx, db.GetPaymentParams{OrgID: t.orgID, ID: id})
	if err != nil {
		return nil, notFound(err, "payment", id)
	}
	p := payment(r)
	return p, t.allocations(ctx, p)
}

func (t *tx) Payments(ctx context.Context, f porter.PaymentFilter) (porter.List[*porter.Payment], error) {
	rows, err := t.q.ListPayments(ctx, db.ListPaymentsParams{
		OrgID: t.orgID, TenantID: f.TenantID, Status: f.Status, Method: f.Method,
		UpdatedSince: since(f.UpdatedSince), Lim: int64(f.Limit()), BelowID: f.Below(), Off: int64(f.Offset()),
	})
	if err != nil {
		return porter.List[*porter.Payment]{}, fmt.Errorf("list payments: %w", err)
	}
	var out porter.List[*porter.Payment]
	for _, r := range rows {
		out.Items = append(out.Items, payment(r.Payment))
		out.Total = int(r.Total)
	}
	return out, t.allocations(ctx, out.Items...)
}

// allocations loads the allocations of ps in one query over their id range.
func (t *tx) allocations(ctx context.Context, ps ...*porter.Payment) error {
	if len(ps) == 0 {
		return nil
	}
	byID := make(map[int64]*porter.Payment, len(ps))
	first, last := ps[0].ID, ps[0].ID
	for _, p := range ps {
		byID[p.ID] = p
		first, last = min(first, p.ID), max(last, p.ID)
	}
	rows, err := t.q.ListPaymentAllocations(ctx, db.ListPaymentAllocationsParams{OrgID: t.orgID, FirstID: first, LastID: last})
	if err != nil {
		return fmt.Errorf("list payment allocations: %w", err)
	}
	for _, r := range rows {
		if p := byID[r.PaymentID]; p != nil {
			p.Allocations = append(p.Allocations, porter.Allocation{ChargeID: r.ChargeID, Amount: porter.Money(r.Amount)})
		}
	}
	return nil
}

func payment(r db.Payment) *porter.Payment {
	return &porter.Payment{
		ID: r.ID, TenantID: r.TenantID, ChargeID: pnullID(r.ChargeID), Amount: porter.Money(r.Amount),
		Method: r.Method, Reference: r.Reference, Notes: r.Notes, Status: r.Status, Error: ref(r.Error),
		UnappliedAmount: porter.Money(r.UnappliedAmount), Allocations: []porter.Allocation{},
		CreatedAt: pts(r.CreatedAt),
	}
}

// deref and ref store an absent optional text as the empty string.
func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func ref(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
