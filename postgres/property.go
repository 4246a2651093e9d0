package postgres

import (
	"context"
	"fmt"

	"porter"
	"porter/postgres/internal/db"
)

func (t *tx) InsertProperty(ctx context.Context, p *porter.Property) error {
	id, err := t.q.InsertProperty(ctx, db.InsertPropertyParams{
		OrgID: t.orgID, Name: p.Name, Address: p.Address, City: p.City, PostalCode: p.PostalCode,
		Country: p.Country, Status: p.Status, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt,
	})
	if err != nil {
		return fmt.Errorf("insert property: %w", err)
	}
	p.ID = id
	return nil
}

func (t *tx) Property(ctx context.Context, id int64) (*porter.Property, error) {
	r, err := t.q.GetProperty(ctx, db.GetPropertyParams{OrgID: t.orgID, ID: id})
	if err != nil {
		return nil, notFound(err, "property", id)
	}
	return property(r), nil
}

func (t *tx) PropertyForUpdate(ctx context.Context, id int64) (*porter.Property, error) {
	r, err := t.q.GetPropertyForUpdate(ctx, db.GetPropertyForUpdateParams{OrgID: t.orgID, ID: id})
	if err != nil {
		return nil, notFound(err, "property", id)
	}
	return property(r), nil
}

func (t *tx) UpdateProperty(ctx context.Context, p *porter.Property) error {
	n, err := t.q.UpdateProperty(ctx, db.UpdatePropertyParams{
		OrgID: t.orgID, ID: p.ID, Name: p.Name, Address: p.Address, City: p.City, PostalCode: p.PostalCode,
		Country: p.Country, Status: p.Status, UpdatedAt: p.UpdatedAt, ArchivedAt: p.ArchivedAt,
	})
	return affected(n, err, "property", p.ID)
}

func (t *tx) Properties(ctx context.Context, f porter.PropertyFilter) (porter.List[*porter.Property], error) {
	rows, err := t.q.ListProperties(ctx, db.ListPropertiesParams{
		OrgID: t.orgID, Status: f.Status, UpdatedSince: since(f.UpdatedSince),
		Lim: int32(f.Limit()), BelowID: f.Below(), Off: int32(f.Offset()),
	})
	if err != nil {
		return porter.List[*porter.Property]{}, fmt.Errorf("list properties: %w", err)
	}
	var out porter.List[*porter.Property]
	for _, r := range rows {
		out.Items = append(out.Items, property(r.Property))
		out.Total = int(r.Total)
	}
	return out, nil
}

func property(r db.Property) *porter.Property {
	return &porter.Property{
		ID: r.ID, Name: r.Name, Address: r.Address, City: r.City, PostalCode: r.PostalCode, Country: r.Country,
		Status: r.Status, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, ArchivedAt: r.ArchivedAt,
	}
}
