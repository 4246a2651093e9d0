package sqlite

import (
	"context"
	"fmt"

	"porter"
	"porter/sqlite/internal/db"
)

func (t *tx) InsertInspection(ctx context.Context, in *porter.Inspection) error {
	id, err := t.q.InsertInspection(ctx, db.InsertInspectionParams{
		OrgID: t.orgID, PropertyID: in.PropertyID, UnitID: nullID(in.UnitID), Kind: in.Kind,
		ScheduledFor: ts(in.ScheduledFor), Inspector: in.Inspector, Status: in.Status, Notes: in.Notes,
		StartedAt: nts(in.StartedAt), CompletedAt: nts(in.CompletedAt), ReviewedAt: nts(in.ReviewedAt),
		RejectionReason: in.RejectionReason, CreatedAt: ts(in.CreatedAt), UpdatedAt: ts(in.UpdatedAt),
	})
	if err != nil {
		return fmt.Errorf("insert inspection: %w", err)
	}
	in.ID = id
	return nil
}

func (t *tx) Inspection(ctx context.Context, id int64) (*porter.Inspection, error) {
	r, err := t.q.GetInspection(ctx, db.GetInspectionParams{OrgID: t.orgID, ID: id})
	if err != nil {
		return nil, notFound(err, "inspection", id)
	}
	return inspection(r), nil
}

// InspectionForUpdate needs no lock: SQLite has one writer at a time.
func (t *tx) InspectionForUpdate(ctx context.Context, id int64) (*porter.Inspection, error) {
	return t.Inspection(ctx, id)
}

func (t *tx) UpdateInspection(ctx context.Context, in *porter.Inspection) error {
	n, err := t.q.UpdateInspection(ctx, db.UpdateInspectionParams{
		OrgID: t.orgID, ID: in.ID, PropertyID: in.PropertyID, UnitID: nullID(in.UnitID), Kind: in.Kind,
		ScheduledFor: ts(in.ScheduledFor), Inspector: in.Inspector, Status: in.Status, Notes: in.Notes,
		StartedAt: nts(in.StartedAt), CompletedAt: nts(in.CompletedAt), ReviewedAt: nts(in.ReviewedAt),
		RejectionReason: in.RejectionReason, UpdatedAt: ts(in.UpdatedAt),
	})
	return affected(n, err, "inspection", in.ID)
}

func (t *tx) Inspections(ctx context.Context, f porter.InspectionFilter) (porter.List[*porter.Inspection], error) {
	rows, err := t.q.ListInspections(ctx, db.ListInspectionsParams{
		OrgID: t.orgID, Status: f.Status, PropertyID: f.PropertyID, UnitFilter: f.UnitID,
		UpdatedSince: since(f.UpdatedSince), Lim: int64(f.Limit()), BelowID: f.Below(), Off: int64(f.Offset()),
	})
	if err != nil {
		return porter.List[*porter.Inspection]{}, fmt.Errorf("list inspections: %w", err)
	}
	var out porter.List[*porter.Inspection]
	for _, r := range rows {
		out.Items = append(out.Items, inspection(r.Inspection))
		out.Total = int(r.Total)
	}
	return out, nil
}

func (t *tx) InsertInspectionItem(ctx context.Context, it *porter.InspectionItem) error {
	id, err := t.q.InsertInspectionItem(ctx, db.InsertInspectionItemParams{
		OrgID: t.orgID, InspectionID: it.InspectionID, Label: it.Label, Result: it.Result, Notes: it.Notes,
	})
	if err != nil {
		return fmt.Errorf("insert inspection item: %w", err)
	}
	it.ID = id
	return nil
}

func (t *tx) UpdateInspectionItem(ctx context.Context, it *porter.InspectionItem) error {
	n, err := t.q.UpdateInspectionItem(ctx, db.UpdateInspectionItemParams{
		OrgID: t.orgID, InspectionID: it.InspectionID, ID: it.ID, Label: it.Label, Result: it.Result, Notes: it.Notes,
	})
	return affected(n, err, "inspection item", it.ID)
}

func (t *tx) InspectionItems(ctx context.Context, inspectionID int64) ([]*porter.InspectionItem, error) {
	rows, err := t.q.ListInspectionItems(ctx, db.ListInspectionItemsParams{OrgID: t.orgID, InspectionID: inspectionID})
	if err != nil {
		return nil, fmt.Errorf("list inspection items: %w", err)
	}
	out := make([]*porter.InspectionItem, len(rows))
	for i, r := range rows {
		out[i] = &porter.InspectionItem{ID: r.ID, InspectionID: r.InspectionID, Label: r.Label, Result: r.Result, Notes: r.Notes}
	}
	return out, nil
}

func inspection(r db.Inspection) *porter.Inspection {
	return &porter.Inspection{
		ID: r.ID, PropertyID: r.PropertyID, UnitID: pnullID(r.UnitID), Kind: r.Kind, ScheduledFor: pts(r.ScheduledFor),
		Inspector: r.Inspector, Status: r.Status, Notes: r.Notes, StartedAt: pnts(r.StartedAt),
		CompletedAt: pnts(r.CompletedAt), ReviewedAt: pnts(r.ReviewedAt), RejectionReason: r.RejectionReason,
		CreatedAt: pts(r.CreatedAt), UpdatedAt: pts(r.UpdatedAt),
	}
}

func (t *tx) ItemsOfInspections(ctx context.Context, ids []int64) (map[int64][]*porter.InspectionItem, error) {
	out := make(map[int64][]*porter.InspectionItem, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := t.q.ListItemsOfInspections(ctx, db.ListItemsOfInspectionsParams{OrgID: t.orgID, Ids: ids})
	if err != nil {
		return nil, fmt.Errorf("list items of inspections: %w", err)
	}
	for _, r := range rows {
		out[r.InspectionID] = append(out[r.InspectionID], &porter.InspectionItem{ID: r.ID, InspectionID: r.InspectionID, Label: r.Label, Result: r.Result, Notes: r.Notes})
	}
	return out, nil
}
