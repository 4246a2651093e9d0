package postgres

import (
	"context"
	"fmt"

	"porter"
	"porter/postgres/internal/db"
)

func (t *tx) InsertInspection(ctx context.Context, in *porter.Inspection) error {
	id, err := t.q.InsertInspection(ctx, db.InsertInspectionParams{
		OrgID: t.orgID, PropertyID: in.PropertyID, UnitID: in.UnitID, Kind: in.Kind,
		ScheduledFor: in.ScheduledFor, Inspector: in.Inspector, Status: in.Status, Notes: in.Notes,
		StartedAt: in.StartedAt, CompletedAt: in.CompletedAt, ReviewedAt: in.ReviewedAt,
		RejectionReason: in.RejectionReason, CreatedAt: in.CreatedAt, UpdatedAt: in.UpdatedAt,
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

func (t *tx) InspectionForUpdate(ctx context.Context, id int64) (*porter.Inspection, error) {
	r, err := t.q.GetInspectionForUpdate(ctx, db.GetInspectionForUpdateParams{OrgID: t.orgID, ID: id})
	if err != nil {
		return nil, notFound(err, "inspection", id)
	}
	return inspection(r), nil
}

func (t *tx) UpdateInspection(ctx context.Context, in *porter.Inspection) error {
	n, err := t.q.UpdateInspection(ctx, db.UpdateInspectionParams{
		OrgID: t.orgID, ID: in.ID, PropertyID: in.PropertyID, UnitID: in.UnitID, Kind: in.Kind,
		ScheduledFor: in.ScheduledFor, Inspector: in.Inspector, Status: in.Status, Notes: in.Notes,
		StartedAt: in.StartedAt, CompletedAt: in.CompletedAt, ReviewedAt: in.ReviewedAt,
		RejectionReason: in.RejectionReason, UpdatedAt: in.UpdatedAt,
	})
	return affected(n, err, "inspection", in.ID)
}

func (t *tx) Inspections(ctx context.Context, f porter.InspectionFilter) (porter.List[*porter.Inspection], error) {
	rows, err := t.q.ListInspections(ctx, db.ListInspectionsParams{
		OrgID: t.orgID, Status: f.Status, PropertyID: f.PropertyID, UnitFilter: f.UnitID,
		UpdatedSince: since(f.UpdatedSince), Lim: int32(f.Limit()), BelowID: f.Below(), Off: int32(f.Offset()),
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
		ID: r.ID, PropertyID: r.PropertyID, UnitID: r.UnitID, Kind: r.Kind, ScheduledFor: r.ScheduledFor,
		Inspector: r.Inspector, Status: r.Status, Notes: r.Notes, StartedAt: r.StartedAt,
		CompletedAt: r.CompletedAt, ReviewedAt: r.ReviewedAt, RejectionReason: r.RejectionReason,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
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
