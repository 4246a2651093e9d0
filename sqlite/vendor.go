package sqlite

import (
	"context"
	"fmt"

	"porter"
	"porter/sqlite/internal/db"
)

func (t *tx) InsertVendor(ctx context.Context, v *porter.Vendor) error {
	id, err := t.q.InsertVendor(ctx, db.InsertVendorParams{
		OrgID: t.orgID, Name: v.Name, Trade: v.Trade, Email: v.Email, Phone: v.Phone, Status: v.Status,
		CreatedAt: ts(v.CreatedAt), UpdatedAt: ts(v.UpdatedAt),
	})
	if err != nil {
		return fmt.Errorf("insert vendor: %w", err)
	}
	v.ID = id
	return nil
}

func (t *tx) Vendor(ctx context.Context, id int64) (*porter.Vendor, error) {
	r, err := t.q.GetVendor(ctx, db.GetVendorParams{OrgID: t.orgID, ID: id})
	if err != nil {
		return nil, notFound(err, "vendor", id)
	}
	return vendor(r), nil
}

// VendorForUpdate needs no lock: SQLite has one writer at a time.
func (t *tx) VendorForUpdate(ctx context.Context, id int64) (*porter.Vendor, error) {
	return t.Vendor(ctx, id)
}

func (t *tx) UpdateVendor(ctx context.Context, v *porter.Vendor) error {
	n, err := t.q.UpdateVendor(ctx, db.UpdateVendorParams{
		OrgID: t.orgID, ID: v.ID, Name: v.Name, Trade: v.Trade, Email: v.Email, Phone: v.Phone, Status: v.Status,
		UpdatedAt: ts(v.UpdatedAt),
	})
	return affected(n, err, "vendor", v.ID)
}

func (t *tx) Vendors(ctx context.Context, f porter.VendorFilter) (porter.List[*porter.Vendor], error) {
	rows, err := t.q.ListVendors(ctx, db.ListVendorsParams{
		OrgID: t.orgID, Status: f.Status, Trade: f.Trade, UpdatedSince: since(f.UpdatedSince),
		Lim: int64(f.Limit()), BelowID: f.Below(), Off: int64(f.Offset()),
	})
	if err != nil {
		return porter.List[*porter.Vendor]{}, fmt.Errorf("list vendors: %w", err)
	}
	var out porter.List[*porter.Vendor]
	for _, r := range rows {
		out.Items = append(out.Items, vendor(r.Vendor))
		out.Total = int(r.Total)
	}
	return out, nil
}

func vendor(r db.Vendor) *porter.Vendor {
	return &porter.Vendor{
		ID: r.ID, Name: r.Name, Trade: r.Trade, Email: r.Email, Phone: r.Phone, Status: r.Status,
		CreatedAt: pts(r.CreatedAt), UpdatedAt: pts(r.UpdatedAt),
	}
}
