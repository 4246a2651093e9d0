package postgres

import (
	"context"
	"fmt"

	"porter"
	"porter/postgres/internal/db"
)

func (t *tx) InsertUnit(ctx context.Context, u *porter.Unit) error {
	id, err := t.q.InsertUnit(ctx, db.InsertUnitParams{
		OrgID: t.orgID, PropertyID: u.PropertyID, Name: u.Name, Floor: u.Floor, Bedrooms: u.Bedrooms,
		Bathrooms: u.Bathrooms, AreaSqm: u.AreaSqm, MarketRent: int64(u.MarketRent), Status: u.Status,
		CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt,
	})
	if err != nil {
		return fmt.Errorf("insert unit: %w", err)
	}
	u.ID = id
	return nil
}

func (t *tx) Unit(ctx context.Context, id int64) (*porter.Unit, error) {
	r, err := t.q.GetUnit(ctx, db.GetUnitParams{OrgID: t.orgID, ID: id})
	if err != nil {
		return nil, notFound(err, "unit", id)
	}
	return unit(r), nil
}

func (t *tx) UnitForUpdate(ctx context.Context, id int64) (*porter.Unit, error) {
	r, err := t.q.GetUnitForUpdate(ctx, db.GetUnitForUpdateParams{OrgID: t.orgID, ID: id})
	if err != nil {
		return nil, notFound(err, "unit", id)
	}
	return unit(r), nil
}

func (t *tx) UpdateUnit(ctx context.Context, u *porter.Unit) error {
	n, err := t.q.UpdateUnit(ctx, db.UpdateUnitParams{
		OrgID: t.orgID, ID: u.ID, PropertyID: u.PropertyID, Name: u.Name, Floor: u.Floor, Bedrooms: u.Bedrooms,
		Bathrooms: u.Bathrooms, AreaSqm: u.AreaSqm, MarketRent: int64(u.MarketRent), Status: u.Status,
		UpdatedAt: u.UpdatedAt,
	})
	return affected(n, err, "unit", u.ID)
}

func (t *tx) Units(ctx context.Context, f porter.UnitFilter) (porter.List[*porter.Unit], error) {
	rows, err := t.q.ListUnits(ctx, db.ListUnitsParams{
		OrgID: t.orgID, PropertyID: f.PropertyID, Status: f.Status, UpdatedSince: since(f.UpdatedSince),
		Lim: int32(f.Limit()), BelowID: f.Below(), Off: int32(f.Offset()),
	})
	if err != nil {
		return porter.List[*porter.Unit]{}, fmt.Errorf("list units: %w", err)
	}
	var out porter.List[*porter.Unit]
	for _, r := range rows {
		out.Items = append(out.Items, unit(r.Unit))
		out.Total = int(r.Total)
	}
	return out, nil
}

func unit(r db.Unit) *porter.Unit {
	return &porter.Unit{
		ID: r.ID, PropertyID: r.PropertyID, Name: r.Name, Floor: r.Floor, Bedrooms: r.Bedrooms, Bathrooms: r.Bathrooms,
		AreaSqm: r.AreaSqm, MarketRent: porter.Money(r.MarketRent), Status: r.Status,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
	}
}
