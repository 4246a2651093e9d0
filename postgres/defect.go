package postgres

import (
	"context"
	"fmt"

	"porter"
	"porter/postgres/internal/db"
)

// Facilities: defects and snagging items.

func (t *tx) InsertDefect(ctx context.Context, d *porter.Defect) error {
	id, err := t.q.InsertDefect(ctx, db.InsertDefectParams{
		OrgID: t.orgID, PropertyID: d.PropertyID, UnitID: d.UnitID, AssetID: d.AssetID, Title: d.Title,
		Description: d.Description, Location: d.Location, Severity: d.Severity, Status: d.Status, Source: d.Source,
		ExternalRef: d.ExternalRef, WorkOrderID: d.WorkOrderID, Resolution: d.Resolution,
		StartedAt: d.StartedAt, ResolvedAt: d.ResolvedAt, RejectedAt: d.RejectedAt,
		CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt,
	})
	if err != nil {
		return conflict(fmt.Errorf("insert defect: %w", err))
	}
	d.ID = id
	return nil
}

func (t *tx) Defect(ctx context.Context, id int64) (*porter.Defect, error) {
	r, err := t.q.GetDefect(ctx, db.GetDefectParams{OrgID: t.orgID, ID: id})
	if err != nil {
		return nil, notFound(err, "defect", id)
	}
	return defect(r), nil
}

func (t *tx) DefectByExternalRef(ctx context.Context, source, ref string) (*porter.Defect, error) {
	r, err := t.q.GetDefectByExternalRef(ctx, db.GetDefectByExternalRefParams{OrgID: t.orgID, Source: source, ExternalRef: &ref})
	if err != nil {
		return nil, notFound(err, "defect", 0)
	}
	return defect(r), nil
}

func (t *tx) UpdateDefect(ctx context.Context, d *porter.Defect) error {
	n, err := t.q.UpdateDefect(ctx, db.UpdateDefectParams{
		OrgID: t.orgID, ID: d.ID, PropertyID: d.PropertyID, UnitID: d.UnitID, AssetID: d.AssetID, Title: d.Title,
		Description: d.Description, Location: d.Location, Severity: d.Severity, Status: d.Status,
		WorkOrderID: d.WorkOrderID, Resolution: d.Resolution,
		StartedAt: d.StartedAt, ResolvedAt: d.ResolvedAt, RejectedAt: d.RejectedAt, UpdatedAt: d.UpdatedAt,
	})
	return affected(n, err, "defect", d.ID)
}

func (t *tx) Defects(ctx context.Context, f porter.DefectFilter) (porter.List[*porter.Defect], error) {
	rows, err := t.q.ListDefects(ctx, db.ListDefectsParams{
		OrgID: t.orgID, PropertyID: f.PropertyID, UnitID: f.UnitID, AssetID: f.AssetID, Status: f.Status, Severity: f.Severity,
		Source: f.Source, UpdatedSince: since(f.UpdatedSince), Lim: int32(f.Limit()), BelowID: f.Below(), Off: int32(f.Offset()),
	})
	if err != nil {
		return porter.List[*porter.Defect]{}, fmt.Errorf("list defects: %w", err)
	}
	var out porter.List[*porter.Defect]
	for _, r := range rows {
		out.Items = append(out.Items, defect(r.Defect))
		out.Total = int(r.Total)
	}
	return out, nil
}

func defect(r db.Defect) *porter.Defect {
	return &porter.Defect{ID: r.ID, PropertyID: r.PropertyID, UnitID: r.UnitID, AssetID: r.AssetID, Title: r.Title,
		Description: r.Description, Location: r.Location, Severity: r.Severity, Status: r.Status, Source: r.Source,
		ExternalRef: r.ExternalRef, WorkOrderID: r.WorkOrderID, Resolution: r.Resolution,
		StartedAt: r.StartedAt, ResolvedAt: r.ResolvedAt, RejectedAt: r.RejectedAt,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
}
