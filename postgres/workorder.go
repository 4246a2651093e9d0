package postgres

import (
	"context"
	"fmt"
	"time"

	"porter"
	"porter/postgres/internal/db"
)

func (t *tx) InsertWorkOrder(ctx context.Context, w *porter.WorkOrder) error {
	id, err := t.q.InsertWorkOrder(ctx, db.InsertWorkOrderParams{
		OrgID: t.orgID, PropertyID: w.PropertyID, UnitID: w.UnitID, Title: w.Title, Description: w.Description,
		Priority: w.Priority, Category: w.Category, ReportedBy: w.ReportedBy, Status: w.Status,
		VendorID: w.VendorID, AssignedTo: w.AssignedTo, DueAt: w.DueAt, SlaBreachedAt: w.SLABreachedAt,
		ResolutionNotes: w.ResolutionNotes, CompletedAt: w.CompletedAt, VerifiedAt: w.VerifiedAt,
		ClosedAt: w.ClosedAt, CancelledAt: w.CancelledAt, Cost: int64(w.Cost), CreatedAt: w.CreatedAt, UpdatedAt: w.UpdatedAt,
	})
	if err != nil {
		return fmt.Errorf("insert work order: %w", err)
	}
	w.ID = id
	return nil
}

func (t *tx) WorkOrder(ctx context.Context, id int64) (*porter.WorkOrder, error) {
	r, err := t.q.GetWorkOrder(ctx, db.GetWorkOrderParams{OrgID: t.orgID, ID: id})
	if err != nil {
		return nil, notFound(err, "work order", id)
	}
	return workOrder(r), nil
}

// WorkOrderForUpdate locks the row (SELECT … FOR UPDATE): transactions
// run concurrently here, and a transition must see the status it changes.
func (t *tx) WorkOrderForUpdate(ctx context.Context, id int64) (*porter.WorkOrder, error) {
	r, err := t.q.LockWorkOrder(ctx, db.LockWorkOrderParams{OrgID: t.orgID, ID: id})
	if err != nil {
		return nil, notFound(err, "work order", id)
	}
	return workOrder(r), nil
}

func (t *tx) UpdateWorkOrder(ctx context.Context, w *porter.WorkOrder) error {
	n, err := t.q.UpdateWorkOrder(ctx, db.UpdateWorkOrderParams{
		OrgID: t.orgID, ID: w.ID, UnitID: w.UnitID, Title: w.Title, Description: w.Description,
		Priority: w.Priority, Category: w.Category, Status: w.Status, VendorID: w.VendorID,
		AssignedTo: w.AssignedTo, DueAt: w.DueAt, SlaBreachedAt: w.SLABreachedAt,
		ResolutionNotes: w.ResolutionNotes, CompletedAt: w.CompletedAt, VerifiedAt: w.VerifiedAt,
		ClosedAt: w.ClosedAt, CancelledAt: w.CancelledAt, Cost: int64(w.Cost), UpdatedAt: w.UpdatedAt,
	})
	return affected(n, err, "work order", w.ID)
}

func (t *tx) WorkOrders(ctx context.Context, f porter.WorkOrderFilter) (porter.List[*porter.WorkOrder], error) {
	rows, err := t.q.ListWorkOrders(ctx, db.ListWorkOrdersParams{
		OrgID: t.orgID, Status: f.Status, Priority: f.Priority, PropertyID: f.PropertyID, UnitID: f.UnitID,
		VendorID: f.VendorID, UpdatedSince: since(f.UpdatedSince), TitleLike: f.TitlePattern(), Overdue: f.Overdue, Now: f.Now, Lim: int32(f.Limit()), BelowID: f.Below(), Off: int32(f.Offset()),
	})
	if err != nil {
		return porter.List[*porter.WorkOrder]{}, fmt.Errorf("list work orders: %w", err)
	}
	var out porter.List[*porter.WorkOrder]
	for _, r := range rows {
		out.Items = append(out.Items, workOrder(r.WorkOrder))
		out.Total = int(r.Total)
	}
	return out, nil
}

func (t *tx) OverdueWorkOrders(ctx context.Context, now time.Time, limit int) ([]*porter.WorkOrder, error) {
	rows, err := t.q.OverdueWorkOrders(ctx, db.OverdueWorkOrdersParams{OrgID: t.orgID, Now: now, Lim: int32(limit)})
	if err != nil {
		return nil, fmt.Errorf("list overdue work orders: %w", err)
	}
	out := make([]*porter.WorkOrder, len(rows))
	for i, r := range rows {
		out[i] = workOrder(r)
	}
	return out, nil
}

func workOrder(r db.WorkOrder) *porter.WorkOrder {
	return &porter.WorkOrder{
		ID: r.ID, PropertyID: r.PropertyID, UnitID: r.UnitID, Title: r.Title, Description: r.Description,
		Priority: r.Priority, Category: r.Category, ReportedBy: r.ReportedBy, Status: r.Status,
		VendorID: r.VendorID, AssignedTo: r.AssignedTo, DueAt: r.DueAt, SLABreachedAt: r.SlaBreachedAt,
		ResolutionNotes: r.ResolutionNotes, CompletedAt: r.CompletedAt, VerifiedAt: r.VerifiedAt,
		ClosedAt: r.ClosedAt, CancelledAt: r.CancelledAt, Cost: porter.Money(r.Cost), CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
	}
}
