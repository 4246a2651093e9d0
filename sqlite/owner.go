package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"porter"
	"porter/sqlite/internal/db"
)

func (t *tx) InsertOwner(ctx context.Context, o *porter.Owner) error {
	id, err := t.q.InsertOwner(ctx, db.InsertOwnerParams{
		OrgID: t.orgID, Name: o.Name, Email: o.Email, Phone: o.Phone, Company: o.Company, PayoutDetails: o.PayoutDetails,
		Notes: o.Notes, CreatedAt: ts(o.CreatedAt), UpdatedAt: ts(o.UpdatedAt),
	})
	if err != nil {
		return fmt.Errorf("insert owner: %w", err)
	}
	o.ID = id
	return nil
}

func (t *tx) Owner(ctx context.Context, id int64) (*porter.Owner, error) {
	r, err := t.q.GetOwner(ctx, db.GetOwnerParams{OrgID: t.orgID, ID: id})
	if err != nil {
		return nil, notFound(err, "owner", id)
	}
	return owner(r), nil
}

// OwnerForUpdate needs no lock: SQLite has one writer at a time.
func (t *tx) OwnerForUpdate(ctx context.Context, id int64) (*porter.Owner, error) {
	return t.Owner(ctx, id)
}

func (t *tx) UpdateOwner(ctx context.Context, o *porter.Owner) error {
	n, err := t.q.UpdateOwner(ctx, db.UpdateOwnerParams{
		OrgID: t.orgID, ID: o.ID, Name: o.Name, Email: o.Email, Phone: o.Phone, Company: o.Company,
		PayoutDetails: o.PayoutDetails, Notes: o.Notes, UpdatedAt: ts(o.UpdatedAt),
	})
	return affected(n, err, "owner", o.ID)
}

func (t *tx) DeleteOwner(ctx context.Context, id int64) error {
	n, err := t.q.DeleteOwner(ctx, db.DeleteOwnerParams{OrgID: t.orgID, ID: id})
	return affected(n, err, "owner", id)
}

func (t *tx) Owners(ctx context.Context, f porter.OwnerFilter) (porter.List[*porter.Owner], error) {
	rows, err := t.q.ListOwners(ctx, db.ListOwnersParams{
		OrgID: t.orgID, Email: f.Email, UpdatedSince: since(f.UpdatedSince),
		Lim: int64(f.Limit()), BelowID: f.Below(), Off: int64(f.Offset()),
	})
	if err != nil {
		return porter.List[*porter.Owner]{}, fmt.Errorf("list owners: %w", err)
	}
	var out porter.List[*porter.Owner]
	for _, r := range rows {
		out.Items = append(out.Items, owner(r.Owner))
		out.Total = int(r.Total)
	}
	return out, nil
}

func (t *tx) OwnerInvoiceCount(ctx context.Context, ownerID int64) (int, error) {
	n, err := t.q.CountOwnerInvoices(ctx, db.CountOwnerInvoicesParams{OrgID: t.orgID, OwnerID: sql.NullInt64{Int64: ownerID, Valid: true}})
	if err != nil {
		return 0, fmt.Errorf("count owner invoices: %w", err)
	}
	return int(n), nil
}

func owner(r db.Owner) *porter.Owner {
	return &porter.Owner{
		ID: r.ID, Name: r.Name, Email: r.Email, Phone: r.Phone, Company: r.Company, PayoutDetails: r.PayoutDetails,
		Notes: r.Notes, CreatedAt: pts(r.CreatedAt), UpdatedAt: pts(r.UpdatedAt),
	}
}

func (t *tx) InsertOwnership(ctx context.Context, o *porter.Ownership) error {
	id, err := t.q.InsertOwnership(ctx, db.InsertOwnershipParams{
		OrgID: t.orgID, OwnerID: o.OwnerID, PropertyID: o.PropertyID, CommissionRate: int64(o.CommissionRate),
		ManagementFee: int64(o.ManagementFee), CleaningFee: int64(o.CleaningFee), StartDate: o.StartDate,
		EndDate: nullString(o.EndDate), CreatedAt: ts(o.CreatedAt), UpdatedAt: ts(o.UpdatedAt),
	})
	if err != nil {
		return fmt.Errorf("insert ownership: %w", err)
	}
	o.ID = id
	return nil
}

func (t *tx) Ownership(ctx context.Context, id int64) (*porter.Ownership, error) {
	r, err := t.q.GetOwnership(ctx, db.GetOwnershipParams{OrgID: t.orgID, ID: id})
	if err != nil {
		return nil, notFound(err, "ownership", id)
	}
	return ownership(r), nil
}

func (t *tx) UpdateOwnership(ctx context.Context, o *porter.Ownership) error {
	n, err := t.q.UpdateOwnership(ctx, db.UpdateOwnershipParams{
		OrgID: t.orgID, ID: o.ID, CommissionRate: int64(o.CommissionRate), ManagementFee: int64(o.ManagementFee),
		CleaningFee: int64(o.CleaningFee), StartDate: o.StartDate, EndDate: nullString(o.EndDate), UpdatedAt: ts(o.UpdatedAt),
	})
	return affected(n, err, "ownership", o.ID)
}

func (t *tx) OwnershipsOfOwner(ctx context.Context, ownerID int64) ([]*porter.Ownership, error) {
	rows, err := t.q.OwnershipsOfOwner(ctx, db.OwnershipsOfOwnerParams{OrgID: t.orgID, OwnerID: ownerID})
	if err != nil {
		return nil, fmt.Errorf("list owner %d ownerships: %w", ownerID, err)
	}
	out := make([]*porter.Ownership, len(rows))
	for i, r := range rows {
		out[i] = ownership(r)
	}
	return out, nil
}

func (t *tx) OwnershipsOfProperty(ctx context.Context, propertyID int64) ([]*porter.Ownership, error) {
	rows, err := t.q.OwnershipsOfProperty(ctx, db.OwnershipsOfPropertyParams{OrgID: t.orgID, PropertyID: propertyID})
	if err != nil {
		return nil, fmt.Errorf("list property %d ownerships: %w", propertyID, err)
	}
	out := make([]*porter.Ownership, len(rows))
	for i, r := range rows {
		out[i] = ownership(r)
	}
	return out, nil
}

func ownership(r db.Ownership) *porter.Ownership {
	return &porter.Ownership{
		ID: r.ID, OwnerID: r.OwnerID, PropertyID: r.PropertyID, CommissionRate: porter.Percent(r.CommissionRate),
		ManagementFee: porter.Money(r.ManagementFee), CleaningFee: porter.Money(r.CleaningFee), StartDate: r.StartDate,
		EndDate: pnullString(r.EndDate), CreatedAt: pts(r.CreatedAt), UpdatedAt: pts(r.UpdatedAt),
	}
}

func nullString(s *string) sql.NullString {
	if s == nil {
		return sql.NullString{}
	}
	return sql.NullString{String: *s, Valid: true}
}

func pnullString(s sql.NullString) *string {
	if !s.Valid {
		return nil
	}
	return &s.String
}
